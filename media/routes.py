"""GET /media/<signature>/<key>/<variant>.<ext>: stored copies, served as static files.

Anything that is not a URL this service signed (malformed, forged, tampered, or validly
signed but no longer stored) is a plain 404: the route does not tell an attacker which of
those it was, and it never fetches, decodes or resizes anything, so it cannot be used as an
image proxy or to make the service do work. Stored bytes never change behind a key, hence
the immutable one-year caching and the key as a strong ETag.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from media.service import MediaService

IMMUTABLE = "public, max-age=31536000, immutable"
_COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # If a browser is ever talked into rendering a stored file as a document, it runs nothing.
    "Content-Security-Policy": "default-src 'none'; sandbox",
    # Pages that set Cross-Origin-Embedder-Policy may still draw our images.
    "Cross-Origin-Resource-Policy": "cross-origin",
}


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison, as If-None-Match uses: `W/` is ignored, `*` matches."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == etag:
            return True
    return False


def media_router(service: MediaService) -> APIRouter:
    router = APIRouter()

    @router.api_route(
        "/media/{signature}/{key}/{filename}", methods=["GET", "HEAD"], include_in_schema=False
    )
    async def serve_media(signature: str, key: str, filename: str, request: Request) -> Response:
        stored = await service.open(signature, key, filename)
        if stored is None:
            return Response(
                b"Not Found",
                status_code=404,
                media_type="text/plain",
                headers={**_COMMON_HEADERS, "Cache-Control": "no-store"},
            )
        etag = f'"{stored.key}"'
        headers = {**_COMMON_HEADERS, "Cache-Control": IMMUTABLE, "ETag": etag}
        if etag_matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        if stored.content_type == "text/html":
            # Article HTML is markup from a page we do not trust: downloaded, never rendered on
            # our origin (the sandbox CSP above already keeps any script from running).
            headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return Response(stored.body, media_type=stored.content_type, headers=headers)

    return router
