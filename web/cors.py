"""CORS for browser clients, only for the origins configured.

With no origins configured no CORS header is ever sent, so browsers keep other sites' pages
from reading our answers. Only POST (GraphQL) and the headers a GraphQL client sends are
allowed; `X-Request-Id` is exposed so a browser app can report it.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware


def add_cors(app: FastAPI, origins: tuple[str, ...]) -> None:
    if not origins:
        return
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(origins),
        allow_methods=["POST"],
        allow_headers=["Authorization", "Content-Type", "X-Request-Id"],
        expose_headers=["X-Request-Id"],
        max_age=600,
    )
