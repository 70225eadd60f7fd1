"""GraphiQL served from this app's own files, so the IDE works where no CDN is reachable.

Strawberry's stock page loads React and GraphiQL from unpkg; a closed network (CI, an office
proxy) then shows a blank page. `scripts/setup` installs the same browser builds with npm into
`web/graphiql_assets/node_modules` (outside git), and this module serves a fixed set of those
files under /static/graphiql. Without npm the IDE page says how to install them; the API itself
never depends on them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse
from starlette.requests import Request
from strawberry.fastapi import GraphQLRouter

ASSETS = Path(__file__).parent / "graphiql_assets" / "node_modules"
STATIC = Path(__file__).parent / "static"
PREFIX = "/static/graphiql"

# Public name -> file under ASSETS. A fixed map, so no request path ever reaches the disk.
FILES: dict[str, str] = {
    "react.js": "react/umd/react.production.min.js",
    "react-dom.js": "react-dom/umd/react-dom.production.min.js",
    "graphiql.js": "graphiql/graphiql.min.js",
    "graphiql.css": "graphiql/graphiql.min.css",
}
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

# The README's example queries, opened as GraphiQL tabs on a first visit.
EXAMPLES: tuple[dict[str, str], ...] = (
    {
        "query": """# A TikTok creator with only the avatar size a card draws.
query CreatorCard($url: String!) {
  preview(url: $url) {
    ... on TiktokUserPreview {
      tiktokUser {
        username
        name
        verified
        followersCount
        avatar { thumbnail { url width height } }
      }
    }
    ... on PreviewError { code message }
  }
}
""",
        "variables": '{ "url": "https://www.tiktok.com/@khaby.lame" }',
    },
    {
        "query": """# A batch of links, answered in order; one bad link never affects the others.
query Batch($urls: [String!]!) {
  previews(urls: $urls) {
    __typename
    ... on LinkPreview { id url type title description image { medium { url width height } } }
    ... on TiktokUserPreview { tiktokUser { username followersCount likesCount } }
    ... on PreviewError { url code message }
  }
}
""",
        "variables": json.dumps(
            {
                "urls": [
                    "https://www.tiktok.com/@illojuan",
                    "https://github.com/steventroughtonsmith/marzipanify",
                    "not a link",
                ]
            },
            indent=2,
        ),
    },
)

MISSING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GraphiQL is not installed</title></head>
<body><main>
<h1>GraphiQL's browser files are not installed</h1>
<p>This server serves GraphiQL from its own files and none were found in
<code>web/graphiql_assets/node_modules</code>. Install Node.js (npm) and run
<code>scripts/setup</code> to add them.</p>
<p>The GraphQL API works without them: <code>POST /graphql</code> with a JSON body
<code>{"query": "..."}</code>, or try the preview card page at <a href="/">/</a>.</p>
</main></body></html>
"""


def assets_installed() -> bool:
    return all((ASSETS / path).is_file() for path in FILES.values())


def graphiql_html() -> str:
    """The IDE page: the local assets plus the example tabs, handed to static/graphiql.js as
    JSON (no inline script, so a strict Content-Security-Policy can still allow it)."""
    if not assets_installed():
        return MISSING
    config = json.dumps({"examples": EXAMPLES}).replace("<", "\\u003c")
    template = (STATIC / "graphiql.html").read_text(encoding="utf-8")
    return template.replace("{{ prefix }}", PREFIX).replace("{{ config }}", config)


def graphiql_assets_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(PREFIX + "/{name}")
    async def asset(name: str) -> FileResponse:
        if name == "boot.js":
            return FileResponse(STATIC / "graphiql.js", media_type=MEDIA_TYPES[".js"])
        relative = FILES.get(name)
        if relative is None or not (ASSETS / relative).is_file():
            raise HTTPException(status_code=404)
        return FileResponse(
            ASSETS / relative,
            media_type=MEDIA_TYPES[Path(name).suffix],
            headers={"cache-control": "public, max-age=86400"},
        )

    return router


class LocalGraphiQLRouter(GraphQLRouter[Any, Any]):
    """Strawberry's router with the IDE page swapped for the locally served one."""

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(graphiql_html())
