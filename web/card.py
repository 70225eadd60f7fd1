"""The preview-card page at `/`: paste a link, see the card an app would draw from the graph.

Plain HTML, CSS and JavaScript with no build step and no CDN; the page is only a client of the
public API (it POSTs to /graphql with fetch), so it shows exactly what any app would get.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

STATIC = Path(__file__).parent / "static"

# Public name -> (file, media type). A fixed map, so no request path ever reaches the disk.
FILES: dict[str, tuple[str, str]] = {
    "card.js": ("card.js", "text/javascript; charset=utf-8"),
    "card.css": ("card.css", "text/css; charset=utf-8"),
}


def card_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def page() -> FileResponse:
        return FileResponse(STATIC / "card.html", media_type="text/html; charset=utf-8")

    @router.get("/static/card/{name}")
    async def asset(name: str) -> FileResponse:
        entry = FILES.get(name)
        if entry is None:
            raise HTTPException(status_code=404)
        return FileResponse(STATIC / entry[0], media_type=entry[1])

    return router
