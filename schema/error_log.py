"""How GraphQL errors are logged: a client's mistake is not the service's fault.

Strawberry logs every error of every request at ERROR with its traceback. Most are the
client's own (a query that does not parse or validate, a variable of the wrong type, a
request over a limit): worth a line at INFO to see what clients send, never a traceback, and
never an alert. Only an exception raised by our code (a bug, a lost backend), the errors that
are masked to the client, is logged at ERROR with its traceback.
"""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

logger = logging.getLogger("strawberry.execution")


def is_client_mistake(error: GraphQLError) -> bool:
    """Raised by GraphQL itself or one of our request checks, not by code that failed."""
    return error.original_error is None or isinstance(error.original_error, GraphQLError)


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if is_client_mistake(error):
                logger.info("client error: %s", error.message)
            else:
                logger.error(error, exc_info=error.original_error)
