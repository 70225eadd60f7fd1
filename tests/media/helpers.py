"""Small helpers the end-to-end media tests share."""

from __future__ import annotations

import httpx
from PIL import Image

from model.record import ImageRef, ImageVariant
from tests.media import images

VARIANT_FIELDS = ("thumbnail", "medium", "large", "original")


def variants(ref: ImageRef) -> list[ImageVariant]:
    found = [ref.thumbnail, ref.medium, ref.large, ref.original]
    assert all(v is not None for v in found), ref
    return [v for v in found if v is not None]


async def get_image(client: httpx.AsyncClient, url: str) -> tuple[httpx.Response, Image.Image]:
    """GET a media URL through the app and decode what it served."""
    response = await client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, images.decode(response.content)
