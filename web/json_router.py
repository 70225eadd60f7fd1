"""The GraphQL router, answering with orjson.

Strawberry encodes each answer with the standard library's `json.dumps`; a preview batch is
~100 KiB of JSON, and orjson writes it several times faster (and as UTF-8 rather than `\\u`
escapes, which every JSON parser reads the same). The rare value orjson refuses (an integer
beyond 64 bits) falls back to the standard encoder, so no answer fails for its encoding.
"""

from __future__ import annotations

import json

import orjson

from web.graphiql import LocalGraphiQLRouter


class JsonRouter(LocalGraphiQLRouter):
    """The app's GraphQL router: the locally served IDE (web/graphiql.py), orjson answers."""

    def encode_json(self, data: object) -> bytes:
        try:
            return orjson.dumps(data)
        except TypeError:
            return json.dumps(data, separators=(",", ":")).encode()
