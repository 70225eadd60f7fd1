"""The preview-card page at `/`: paste a link, see the card an app would draw from the graph.

Plain HTML, CSS and JavaScript with no build step and no CDN; the page is only a client of the
public API (it POSTs to /graphql with fetch), so it shows exactly what any app would get.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse

STATIC = Path(__file__).parent / "static"

# Public name -> (file, media type). A fixed map, so no request path ever reaches the disk.
FILES: dict[str, tuple[str, str]] = {
    "card.js": ("card.js", "text/javascript; charset=utf-8"),
    "card.css": ("card.css", "text/css; charset=utf-8"),
}

# The "Open the query in GraphiQL" link, marked in card.html so that a server without the IDE
# (LINKGRAPH_GRAPHIQL=false) never offers a link that leads nowhere.
_GRAPHIQL_LINK = re.compile(r"[ \t]*<!-- graphiql -->.*?<!-- /graphiql -->\n?", re.S)


def card_html(*, graphiql: bool) -> str:
    page = (STATIC / "card.html").read_text(encoding="utf-8")
    return page if graphiql else _GRAPHIQL_LINK.sub("", page)


def card_router(*, graphiql: bool = True) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    html = card_html(graphiql=graphiql)

    @router.get("/")
    async def page() -> HTMLResponse:
        return HTMLResponse(html)

    @router.get("/static/card/{name}")
    async def asset(name: str) -> FileResponse:
        entry = FILES.get(name)
        if entry is None:
            raise HTTPException(status_code=404)
        return FileResponse(STATIC / entry[0], media_type=entry[1])

    return router
