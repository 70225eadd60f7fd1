"""Compiled plans (schema/plan.py, resolvers/plans.py) answer byte for byte as Strawberry does.

Two levels. In process, every link kind's record (built from its own declared field types,
every field filled, or every optional field empty) is answered by the stock execution and
by the plan for a query selecting every field of every result type; the bytes must be
equal. Over real HTTP, the first request of a document runs the ordinary way and teaches the
app its plan, the second is answered by the plan (the app counts it): with the same
X-Request-Id, over the same cached previews, the two bodies must be the same bytes.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import httpx
import msgspec
import msgspec.inspect as mi
import orjson
import pytest
from fastapi import FastAPI
from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
)

from app import create_app
from graph import schema
from model import record
from resolvers.plans import Plans
from schema.plan import DeclinedError, Plan, compile_plan
from settings import Settings
from tests.support.clock import FakeClock
from tests.support.origin import CorpusOrigin, load_corpus
from tests.support.server import serve

GRAPH: GraphQLSchema = schema._schema


def _named(type_: GraphQLOutputType) -> GraphQLNamedType:
    while isinstance(type_, GraphQLList | GraphQLNonNull):
        type_ = type_.of_type
    assert isinstance(type_, GraphQLNamedType)
    return type_


def full_fragments(type_: GraphQLNamedType) -> tuple[str, str]:
    """A selection of every field of `type_`, recursively, with `__typename` and a fragment
    per possible type of an abstract type: the heaviest query a client can send. Written
    with one named fragment per type (and the interface's fields once), to stay within the
    token limit; returns the selection and the fragments it spreads."""
    fragments: dict[str, str] = {}

    def spread(named: GraphQLNamedType) -> str:
        if named.name not in fragments:
            fragments[named.name] = ""  # placeholder: types may nest themselves
            fragments[named.name] = f"fragment F{named.name} on {named.name} {{ {body(named)} }}"
        return f"...F{named.name}"

    def body(named: GraphQLNamedType) -> str:
        parts = ["__typename"]
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            inherited = {n for i in named.interfaces for n in i.fields}
            parts += [spread(i) for i in named.interfaces]
            for name, field in named.fields.items():
                inner = _named(field.type)
                if name in inherited:
                    continue
                if named.name == "PreviewError":  # its `status` is nullable, a preview's not
                    parts.append(f"error{name.title()}: {name}")
                elif isinstance(inner, GraphQLScalarType | GraphQLEnumType):
                    parts.append(name)
                else:
                    parts.append(f"{name} {{ {spread(inner)} }}")
        if isinstance(named, GraphQLUnionType):
            parts += [spread(possible) for possible in GRAPH.get_possible_types(named)]
        return " ".join(parts)

    selection = body(type_)
    return selection, "\n".join(fragments.values())


RESULT = GRAPH.get_type("PreviewResult")
assert isinstance(RESULT, GraphQLUnionType)
FULL, FRAGMENTS = full_fragments(RESULT)


# In process: records of every kind, through both paths.


class Records:
    """Records built from their declared field types: `full` fills every field (counts past
    2^31, every tuple two long, images with every rendition), otherwise every optional field
    is empty and every tuple too."""

    def __init__(self, *, full: bool) -> None:
        self.full = full
        self.serial = itertools.count(1)

    def struct(self, struct: type[msgspec.Struct]) -> Any:
        info = mi.type_info(struct)
        assert isinstance(info, mi.StructType)
        return struct(**{f.name: self.value(f.name, f.type) for f in info.fields})

    def image(self) -> record.ImageRef:
        n = next(self.serial)
        if not self.full:  # a source of unknown width, with one rendition stored
            variant = record.ImageVariant(url=f"https://media.test/{n}.webp", width=320, height=n)
            return record.ImageRef(source_url=f"https://cdn.test/{n}.jpg", thumbnail=variant)
        variants = [
            record.ImageVariant(url=f"https://media.test/{n}/{w}.webp", width=w, height=n)
            for w in (320, 640, 640, 2000)
        ]
        thumbnail, medium, large, original = variants
        return record.ImageRef(
            f"https://cdn.test/{n}.jpg",
            2000,
            n,
            thumbnail,
            medium,
            large,
            original,
            placeholder=f"data:,{n}",
            dominant_color=f"#{n:06x}",
        )

    def value(self, name: str, value_type: mi.Type) -> Any:
        n = next(self.serial)
        if isinstance(value_type, mi.UnionType):
            if not self.full and any(isinstance(t, mi.NoneType) for t in value_type.types):
                return None
            (present,) = [t for t in value_type.types if not isinstance(t, mi.NoneType)]
            return self.value(name, present)
        if isinstance(value_type, mi.StructType):
            if value_type.cls is record.ImageRef:
                return self.image()
            return self.struct(value_type.cls)
        if isinstance(value_type, mi.VarTupleType):
            items = 2 if self.full else 0
            return tuple(self.value(name, value_type.item_type) for _ in range(items))
        if isinstance(value_type, mi.BoolType):
            return n % 2 == 0
        if isinstance(value_type, mi.IntType):
            counted = name.endswith(("_count", "karma", "size"))
            return 2**33 + n if counted else 1000 + n
        if isinstance(value_type, mi.FloatType):
            return n + 0.25
        if isinstance(value_type, mi.StrType):
            return f'{name}-{n} ✓ "quoted" \\ </script>'
        if isinstance(value_type, mi.DateTimeType):
            return datetime(2021, 3, 4, 5, 6, 7, 891, tzinfo=UTC) + timedelta(days=n)
        if isinstance(value_type, mi.DecimalType):
            return Decimal(f"{n}.99")
        if isinstance(value_type, mi.EnumType):
            members = list(value_type.cls)
            return members[n % len(members)]
        raise AssertionError(f"{name}: no test value for {value_type}")

    def preview(self, details: record.Details | None, kind: record.LinkType) -> record.Preview:
        n = next(self.serial)
        url = f"https://example.com/{kind.value.lower()}/{n}"
        return record.Preview(
            url=url,
            final_url=url + "?final",
            domain="example.com",
            type=kind,
            status=200,
            updated_at=datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
            redirected=self.full,
            size=2**32 + n if self.full else None,
            title="A title" if self.full else None,
            description="A description" if self.full else None,
            icon=record.Icon(f"https://example.com/{n}.ico", 32, 32, "#ffffff")
            if self.full
            else record.Icon(f"https://example.com/{n}.ico"),
            image=self.image(),
            details=details,
        )

    def outcomes(self) -> list[record.Outcome]:
        """One of every kind, a page, an unknown link and a failure of each code."""
        found: list[record.Outcome] = [
            self.preview(self.struct(kind), link_type)
            for kind, link_type in record.DETAILS_TYPES.items()
        ]
        found.append(self.preview(None, record.LinkType.PAGE))
        found.append(self.preview(None, record.LinkType.UNKNOWN))
        for code in record.ErrorCode:
            status = 500 if self.full else None
            found.append(record.Failure(f"https://bad.test/{code.value}", code, "why", status))
        return found


@dataclass
class _Service:
    """Answers each URL with its prepared record, as the cache would."""

    outcomes: dict[str, record.Outcome]

    def key_for(self, raw_url: str, language: str | None = None) -> record.Outcome:
        return self.outcomes[raw_url]


@dataclass
class _Context:
    service: _Service
    request_id: str | None = "req-1"
    language: str | None = None


async def stock_bytes(query: str, outcomes: list[record.Outcome], **variables: Any) -> bytes:
    """What the app's router sends for `query` when Strawberry executes it."""
    context = _Context(_Service({outcome.url: outcome for outcome in outcomes}))
    result = await schema.execute(query, variable_values=variables, context_value=context)
    assert result.errors is None, result.errors
    return orjson.dumps({"data": result.data})


def planned_bytes(plan: Plan, outcomes: list[record.Outcome], **variables: Any) -> bytes:
    by_url = {outcome.url: outcome for outcome in outcomes}
    links = plan.links(variables)
    assert links is not None
    return plan.answer([[by_url[url] for url in urls] for urls in links], "req-1")


def _plan(query: str, name: str | None = None) -> Plan:
    plan = compile_plan(schema, query, name)
    assert plan is not None, "the plan should cover this query"
    return plan


MANY = "query Many($urls: [String!]!) { previews(urls: $urls) { %s } }"


@pytest.mark.parametrize("full", [True, False], ids=["full", "sparse"])
async def test_every_kind_fully_selected_is_the_same_bytes(full: bool) -> None:
    outcomes = Records(full=full).outcomes()
    urls = [outcome.url for outcome in outcomes]
    query = MANY % FULL + FRAGMENTS
    planned = planned_bytes(_plan(query), outcomes, urls=urls)
    assert planned == await stock_bytes(query, outcomes, urls=urls)
    kinds = {item["__typename"] for item in orjson.loads(planned)["data"]["previews"]}
    assert len(kinds) == len(record.DETAILS_TYPES) + 3


async def test_a_record_written_once_still_answers_each_request_and_each_record() -> None:
    """A plan writes each record once and keeps the bytes (schema/plan.py `Rendered`): every
    later answer must still carry its own request's id, and a record read anew (a new
    object, as the cache hands out after a refresh) its own values, never the kept ones."""
    outcomes = Records(full=True).outcomes()
    urls = [outcome.url for outcome in outcomes]
    query = MANY % FULL + FRAGMENTS
    plan = _plan(query)

    async def stock(found: list[record.Outcome], request_id: str | None) -> bytes:
        context = _Context(_Service({outcome.url: outcome for outcome in found}), request_id)
        result = await schema.execute(query, variable_values={"urls": urls}, context_value=context)
        assert result.errors is None, result.errors
        return orjson.dumps({"data": result.data})

    for request_id in ("first", None, "second", "first"):
        assert plan.answer([outcomes], request_id) == await stock(outcomes, request_id)
    renewed = [
        msgspec.structs.replace(outcome, message="Renewed")
        if isinstance(outcome, record.Failure)
        else msgspec.structs.replace(outcome, title="Renewed")
        for outcome in outcomes
    ]
    answer = plan.answer([renewed], "third")
    assert answer == await stock(renewed, "third")
    assert answer != plan.answer([outcomes], "third")


SHAPES = {
    "aliases and typename at the root": """
        query Q($url: String!, $urls: [String!]!) {
          kind: __typename
          one: preview(url: $url) { t: __typename ... on LinkPreview { link: url u2: url } }
          many: previews(urls: $urls) { __typename }
          lit: previews(urls: [$url, "https://bad.test/LINK_BLOCKED"]) { ...Result }
        }
        fragment Result on PreviewResult {
          __typename
          ... on PreviewError { code message status }
          ... on LinkPreview { id url }
        }""",
    "merged fields from fragments and inline fragments": """
        query Q($url: String!, $urls: [String!]!) {
          previews(urls: $urls) {
            ... on LinkPreview { image { thumbnail { url } } icon { url } }
            ...Images
            ... on TiktokUserPreview { tiktokUser { avatar { srcset } } }
            ... { __typename }
            ... on PagePreview { title status ... on LinkPreview { updatedAt type } }
          }
          preview(url: $url) { ...Images ...Images }
        }
        fragment Images on LinkPreview {
          image { original { width height url } thumbnail { width } srcset sourceUrl }
          icon { backgroundColor width }
          requestId
        }""",
    "typed objects beside the interface": """
        query Q($urls: [String!]!) {
          previews(urls: $urls) {
            ... on LinkPreview { type }
            ... on RedditPostPreview { redditPost { subreddit { name } user { username } } }
            ... on GithubRepositoryPreview { githubRepository { languages { name } } }
            ... on VideoPreview { video { __typename } }
          }
        }""",
}


@pytest.mark.parametrize("query", SHAPES.values(), ids=SHAPES.keys())
async def test_query_shapes_are_the_same_bytes(query: str) -> None:
    outcomes = Records(full=True).outcomes()
    variables: dict[str, Any] = {"urls": [o.url for o in outcomes]}
    if "$url:" in query:
        variables["url"] = outcomes[0].url
    plan = _plan(query, "Q")
    assert planned_bytes(plan, outcomes, **variables) == await stock_bytes(
        query, outcomes, **variables
    )


@pytest.mark.parametrize(
    "query",
    [
        '{ preview(url: "x") { ... on LinkPreview { title @include(if: true) } } }',
        "query ($u: String) { preview(url: $u) { __typename } }",
        'query ($u: String! = "x") { preview(url: $u) { __typename } }',
        "{ __schema { queryType { name } } }",
        'mutation { refreshPreview(url: "x") { __typename } }',
        'query A { preview(url: "x") { __typename } } query B { __typename }',
    ],
    ids=["directive", "nullable variable", "default", "introspection", "mutation", "no name"],
)
def test_what_a_plan_does_not_cover_compiles_to_none(query: str) -> None:
    assert compile_plan(schema, query, None) is None


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"status": 2**40}, "status"),  # out of GraphQL's Int
        ({"domain": None}, "domain"),  # a null in a non-null field
        ({"updated_at": "yesterday"}, "updatedAt"),
    ],
)
async def test_a_value_the_plan_cannot_write_declines(change: dict[str, Any], error: str) -> None:
    good = Records(full=True).preview(None, record.LinkType.PAGE)
    bad = msgspec.structs.replace(good, **change)  # msgspec checks types on decoding only
    query = (
        "query ($u: String!) { preview(url: $u) { "
        "... on LinkPreview { domain status updatedAt } } }"
    )
    plan = _plan(query)
    with pytest.raises(DeclinedError):
        plan.answer([[bad]], "req-1")
    # ... and the stock path, which then answers, reports it as an error.
    context = _Context(_Service({"u": bad}))
    result = await schema.execute(query, variable_values={"u": "u"}, context_value=context)
    assert result.errors
    assert [e.path for e in result.errors] == [["preview", error]]


@pytest.mark.parametrize(
    "variables",
    [
        {"us": ["b"]},
        {"u": None, "us": ["b"]},
        {"u": 5, "us": ["b"]},
        {"u": ["a"], "us": ["b"]},
        {"u": "a", "us": "b"},
        {"u": "a", "us": ["b", None]},
        {"u": "a", "us": [1]},
    ],
)
def test_variables_not_of_the_declared_type_go_the_ordinary_way(variables: Any) -> None:
    plan = _plan(
        "query ($u: String!, $us: [String!]!) { preview(url: $u) { __typename } "
        "previews(urls: $us) { __typename } }"
    )
    assert plan.links(variables) is None
    assert plan.links({"u": "a", "us": ["b"], "other": 1}) == [["a"], ["b"]]


# Over real HTTP: the first request of a document teaches the app its plan.


@dataclass
class Running:
    http: httpx.Client
    app: FastAPI

    @property
    def plans(self) -> Plans:
        plans: Plans = self.app.state.plans
        return plans

    def post(self, query: str, request_id: str = "req-1", **payload: Any) -> httpx.Response:
        return self.http.post(
            "/graphql", json={"query": query, **payload}, headers={"x-request-id": request_id}
        )


@contextmanager
def running(
    settings: Settings, clock: Callable[[], float] | None = None, **update: Any
) -> Iterator[Running]:
    def build(base_url: str) -> FastAPI:
        changed = settings.model_copy(update={"public_url": base_url, **update})
        return create_app(changed) if clock is None else create_app(changed, clock=clock)

    with serve(build) as (base_url, app), httpx.Client(base_url=base_url, timeout=120) as http:
        yield Running(http, app)


def corpus_links() -> list[str]:
    """Two pages of each host of the corpus, and links that fail in different ways."""
    per_host: dict[str, list[str]] = {}
    for page in load_corpus():
        per_host.setdefault(urlsplit(page.url).hostname or "", []).append(page.url)
    links = [url for urls in per_host.values() for url in urls[:2]][:40]
    return [*links, "not a link", "ftp://example.com/file"]


def test_the_plan_answers_the_same_bytes_as_execution(
    settings: Settings, origin: CorpusOrigin
) -> None:
    links = corpus_links()
    queries = [MANY % FULL + FRAGMENTS, *SHAPES.values()]
    with running(settings) as app:
        # Fetched once: everything below is warm.
        app.post(MANY % "__typename", variables={"urls": links})
        for query in queries:
            variables = {"urls": links, "url": links[0]}
            stock = app.post(query, variables=variables)
            served = app.plans.served
            planned = app.post(query, variables=variables)
            assert app.plans.served == served + 1, "the second request should take the plan"
            assert stock.status_code == planned.status_code == 200
            assert "errors" not in stock.json()
            assert planned.content == stock.content
            assert planned.headers["content-type"] == stock.headers["content-type"]


def test_each_answer_names_its_own_request(settings: Settings, origin: CorpusOrigin) -> None:
    link = "https://github.com/steventroughtonsmith/marzipanify"
    query = f'{{ previews(urls: ["{link}", "{link}"]) {{ ... on LinkPreview {{ requestId }} }} }}'
    with running(settings) as app:
        for request_id in ("first", "second", "third"):
            previews = app.post(query, request_id).json()["data"]["previews"]
            assert [preview["requestId"] for preview in previews] == [request_id, request_id]
        assert app.plans.served == 2


def test_limits_and_variables_are_still_checked_per_request(
    settings: Settings, origin: CorpusOrigin
) -> None:
    query = "query ($urls: [String!]!) { previews(urls: $urls) { __typename } }"
    with running(settings, max_urls_per_request=2) as app:
        for _ in range(2):
            assert "errors" not in app.post(query, variables={"urls": ["not a link"]}).json()
        assert app.plans.served == 1
        over = app.post(query, variables={"urls": ["a", "b", "c"]}).json()
        assert over["errors"][0]["extensions"]["code"] == "URL_BUDGET_EXCEEDED"
        wrong = app.post(query, variables={"urls": [1]}).json()
        assert "errors" in wrong
        assert app.plans.served == 1


def test_directives_and_errors_run_the_ordinary_way(
    settings: Settings, origin: CorpusOrigin
) -> None:
    skipped = 'query ($on: Boolean!) { preview(url: "x") { __typename @include(if: $on) } }'
    with running(settings) as app:
        for on in (True, False, True):
            answer = app.post(skipped, variables={"on": on}).json()
            assert answer["data"]["preview"] == ({"__typename": "PreviewError"} if on else {})
        missing = app.post("{ preview { __typename } }").json()
        assert "errors" in missing
        assert app.plans.served == 0


PAGE = b"<html><head><title>%s</title></head><body>plan test</body></html>"
ONE = "query One($url: String!) { preview(url: $url) { ... on LinkPreview { title } } }"
REFRESH = "mutation ($url: String!) { refreshPreview(url: $url) { ... on LinkPreview { title } } }"


def _page(origin: CorpusOrigin, name: str, title: str) -> str:
    url = f"https://github.com/linkgraph-plan-test/{name}"
    origin.add(url, PAGE % title.encode())
    return url


def _title(answer: httpx.Response) -> str:
    title: str = answer.json()["data"]["preview"]["title"]
    return title


def test_a_refreshed_preview_is_answered_anew(settings: Settings, origin: CorpusOrigin) -> None:
    url = _page(origin, "changing", "before")
    with running(settings) as app:
        assert [_title(app.post(ONE, variables={"url": url})) for _ in range(2)] == ["before"] * 2
        _page(origin, "changing", "after")
        app.post(REFRESH, variables={"url": url})
        assert _title(app.post(ONE, variables={"url": url})) == "after"
        assert app.plans.served == 2
    assert origin.count(url) == 2


def test_an_update_by_another_instance_is_seen_once_the_memo_lapses(
    settings: Settings, origin: CorpusOrigin
) -> None:
    """Two instances over one SQLite cache: one refreshes, the other's plan answers it."""
    url = _page(origin, "shared", "before")
    clock = FakeClock()
    with running(settings, clock) as one, running(settings, clock) as two:
        for _ in range(2):
            assert _title(one.post(ONE, variables={"url": url})) == "before"
        _page(origin, "shared", "after")
        two.post(REFRESH, variables={"url": url})
        # Within the lifetime of its memo of recent entries (1 s) the first instance may
        # answer what it read; once the memo lapses it reads the shared cache again.
        clock.advance(1.01)
        assert _title(one.post(ONE, variables={"url": url})) == "after"
        assert one.plans.served == 2


def test_planned_answers_are_charged_like_any_other(
    settings: Settings, origin: CorpusOrigin
) -> None:
    urls = [_page(origin, f"charged-{n}", f"charged {n}") for n in range(3)]
    query = "query ($urls: [String!]!) { previews(urls: $urls) { __typename } }"
    with running(
        settings, rate_capacity=1000, rate_refill=0.001, rate_fetch_cost=10, rate_hit_cost=2
    ) as app:
        levels = []
        for _ in range(4):
            answer = app.post(query, variables={"urls": urls})
            assert answer.status_code == 200
            levels.append(int(answer.headers["ratelimit-remaining"]))
        assert app.plans.served == 3
    assert levels[0] == 1000 - 3 * 10
    # Each later request cost three cached links at two points, planned or not.
    assert [a - b for a, b in itertools.pairwise(levels)] == [6, 6, 6]


TWO = """
query One($url: String!) { preview(url: $url) { ... on LinkPreview { title } } }
query Other($url: String!) { preview(url: $url) { __typename ... on LinkPreview { url } } }
"""


def test_each_operation_and_its_variables_have_their_own_answer(
    settings: Settings, origin: CorpusOrigin
) -> None:
    first, second = _page(origin, "first", "first"), _page(origin, "second", "second")
    asked = [("One", first), ("One", second), ("Other", first)]
    with running(settings) as app:
        answers = [
            app.post(TWO, variables={"url": url}, operationName=name).json()["data"]["preview"]
            for _ in range(2)
            for name, url in asked
        ]
        assert app.plans.served == 4  # each operation learnt from its first answer
        assert len(app.plans) == 2
    assert answers[:3] == answers[3:]
    assert [answer.get("title") for answer in answers[:2]] == ["first", "second"]
    assert answers[2]["url"] == first


def test_api_keys_and_mutations_are_as_before(settings: Settings, origin: CorpusOrigin) -> None:
    url = _page(origin, "keyed", "keyed")
    with running(settings, api_keys=("key-one",)) as app:
        bearer = "Bearer key-one"
        for _ in range(2):
            answer = app.http.post(
                "/graphql",
                json={"query": ONE, "variables": {"url": url}},
                headers={"authorization": bearer},
            )
            assert _title(answer) == "keyed"
        assert app.plans.served == 1
        assert app.post(ONE, variables={"url": url}).status_code == 401
        for _ in range(2):
            refreshed = app.http.post(
                "/graphql",
                json={"query": REFRESH, "variables": {"url": url}},
                headers={"authorization": bearer},
            )
            assert refreshed.json()["data"]["refreshPreview"]["title"] == "keyed"
        assert app.plans.served == 1


def test_at_most_the_configured_number_of_plans_is_kept() -> None:
    plans = Plans(schema, max_urls=50, max_plans=2)
    query = '{ preview(url: "https://example.com/%d") { __typename } }'
    documents = [query % n for n in range(3)]
    for document in documents:
        plans.learn(document, None)
    assert len(plans) == 2
    assert [plans.knows(document, None) for document in documents] == [False, True, True]


def test_plans_read_each_request_language(settings: Settings, origin: CorpusOrigin) -> None:
    url = "https://github.com/linkgraph-plan-test/in-languages"
    origin.add_by_language(url, {"": PAGE % b"plain", "fr": PAGE % b"fr", "de": PAGE % b"de"})
    with running(settings) as app:

        def ask(language: str) -> str:
            return _title(
                app.http.post(
                    "/graphql",
                    json={"query": ONE, "variables": {"url": url}},
                    headers={"accept-language": language},
                )
            )

        assert [ask("fr"), ask("de"), ask("fr"), ask("*")] == ["fr", "de", "fr", "plain"]
        assert app.plans.served == 3
        named = ONE.replace("(url: $url)", '(url: $url, language: "de")')
        assert [_title(app.post(named, variables={"url": url})) for _ in range(2)] == ["de"] * 2
        # A document naming a language is answered the ordinary way, never by a plan that
        # would not read the argument.
        assert app.plans.served == 3
    assert origin.languages_for(url) == ["fr", "de", None]
