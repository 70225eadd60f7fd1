"""The plans of the documents this app has answered, and how one answers a request.

A plan (schema/plan.py) is compiled for a (document, operation) once the ordinary execution
has answered it without errors: that answer proves the document parses and passes every
validation rule and limit, all of which depend on the document alone. What depends on the
request (its variables, the number of distinct links, the values of its previews) is checked
on every request, and anything the plan cannot answer exactly goes the ordinary way.

The previews are looked up in one batch and counted as the resolvers' DataLoader would do it,
so the rate limit's cost, the service's metrics and its logs are the same on both paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from strawberry import Schema

from common.memo import TtlLru
from model.record import Outcome
from resolvers.context import Context
from resolvers.loader import lookup_counted
from schema.documents import document_weight
from schema.plan import DeclinedError, Plan, compile_plan

# What a memo lookup of a document never seen gives (None is a document no plan covers).
_UNKNOWN: Any = object()


class Plans:
    # A plan of a query selecting every field is ~130 KiB of code, and a plan grows with its
    # document: 256 of them, and at most `max_bytes` by the documents' weight, stay within a
    # worker's memory however many and however long the documents clients send.
    def __init__(
        self,
        schema: Schema,
        *,
        max_urls: int,
        max_plans: int = 256,
        max_bytes: int = 32 * 1024 * 1024,
    ) -> None:
        self.schema = schema
        self.max_urls = max_urls
        # None: the document is one a plan does not cover (remembered so as not to compile
        # it again on every request).
        self._plans: TtlLru[tuple[str, str | None], Plan | None] = TtlLru(
            max_plans, max_bytes=max_bytes, weigh=lambda key, _: document_weight(key[0])
        )
        # Requests answered by a plan, for tests and curious operators.
        self.served = 0

    def __len__(self) -> int:
        return len(self._plans)

    @property
    def held_bytes(self) -> int:
        return self._plans.held_bytes

    def knows(self, query: str, operation_name: str | None) -> bool:
        return self._plans.get((query, operation_name), _UNKNOWN) is not _UNKNOWN

    def learn(self, query: str, operation_name: str | None) -> None:
        """Compile the plan of a document the ordinary path has just answered without errors."""
        if not self.knows(query, operation_name):
            self._plans.put(
                (query, operation_name), compile_plan(self.schema, query, operation_name)
            )

    async def answer(
        self,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        context: object,
    ) -> bytes | None:
        """The response body, or None when this request must go the ordinary way."""
        plan = self._plans.get((query, operation_name))
        if plan is None or not isinstance(context, Context):
            return None
        links = plan.links(variables)
        if links is None:
            return None
        flat = [url for urls in links for url in urls]
        if len(set(flat)) > self.max_urls:
            return None  # the ordinary path refuses it (schema/limits.py)
        service = context.service
        keys = [service.key_for(url, context.language) for url in flat]
        distinct = list(dict.fromkeys(key for key in keys if isinstance(key, str)))
        found = (
            dict(
                zip(
                    distinct,
                    await lookup_counted(
                        service, context.cost, distinct, client=context.client, shoot=plan.shoot
                    ),
                    strict=True,
                )
            )
            if distinct
            else {}
        )
        outcomes: list[list[Outcome]] = []
        start = 0
        for urls in links:
            end = start + len(urls)
            outcomes.append([found[k] if isinstance(k, str) else k for k in keys[start:end]])
            start = end
        try:
            body = plan.answer(outcomes, context.request_id)
        except DeclinedError:
            # The ordinary path answers from what was looked up, neither looking up nor
            # charging the links again.
            for link, outcome in found.items():
                context.loader.prime(link, outcome)
            return None
        self.served += 1
        return body
