"""The floor: a plain FastAPI route that answers with the bytes the real app produced.

It reads the request body (as Strawberry does) and returns the stored answer for it, so it pays
for everything the app pays for except the work of answering: uvicorn, the HTTP parser,
Starlette's routing and response. No GraphQL service answering the same query over the same
stack can be faster; the ratio to it says how much of the cost is ours.

`uvicorn bench.floor:app` reads the pairs from the JSON file named by BENCH_FLOOR_RESPONSES:
a list of `[request body, response body]` strings.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from fastapi import FastAPI, Request, Response

RESPONSES_ENV = "BENCH_FLOOR_RESPONSES"


def write_responses(path: Path, pairs: list[tuple[bytes, bytes]]) -> None:
    path.write_text(
        json.dumps([[request.decode(), response.decode()] for request, response in pairs])
    )


def read_responses(path: Path) -> dict[bytes, bytes]:
    return {
        request.encode(): response.encode() for request, response in json.loads(path.read_text())
    }


def create_floor(responses: Mapping[bytes, bytes]) -> FastAPI:
    app = FastAPI(title="floor", openapi_url=None, docs_url=None, redoc_url=None)

    @app.post("/graphql")
    async def graphql(request: Request) -> Response:
        answer = responses.get(await request.body())
        if answer is None:
            return Response(status_code=404)
        return Response(content=answer, media_type="application/json")

    return app


app = create_floor(
    read_responses(Path(os.environ[RESPONSES_ENV])) if RESPONSES_ENV in os.environ else {}
)
