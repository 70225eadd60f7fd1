"""A TikTok card's images, end to end: the page's avatar, image and icon are downloaded from
their (local) CDN, kept by the service, and served from /media at the sizes the graph states.

The image bytes are made here with Pillow and served under the URLs the saved page names, since
the corpus holds pages, not images.
"""

from __future__ import annotations

import html
import io
import re

import httpx
import pytest
from PIL import Image, ImageDraw

from tests.conftest import GraphClient
from tests.graph.test_tiktok_profiles import PROFILES, page_user
from tests.support.origin import CORPUS_DIR, CorpusOrigin

URL = "https://www.tiktok.com/@illojuan"

QUERY = """
query ($url: String!) {
  preview(url: $url) {
    ... on TiktokUserPreview {
      icon { url width height backgroundColor }
      image { ...Sizes }
      tiktokUser { avatar { ...Sizes } }
    }
  }
}
fragment Sizes on ResponsiveImage {
  sourceUrl srcset placeholder dominantColor
  thumbnail { url width height }
  medium { url width height }
  large { url width height }
  original { url width height }
}
"""


def photo(width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 8):
        draw.rectangle((0, y, width, y + 8), fill=(y * 255 // height, 120, 255 - y * 255 // height))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def dark_icon() -> bytes:
    image = Image.new("RGBA", (48, 48), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((8, 8, 40, 40), fill=(10, 10, 10, 255))
    out = io.BytesIO()
    image.save(out, "ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    return out.getvalue()


def serve_page_images(origin: CorpusOrigin, url: str = URL) -> dict[str, tuple[int, int]]:
    """Serve an image at every URL the profile page names for its pictures; returns the pixel
    size served at each."""
    user = page_user(PROFILES[url])["user"]
    sizes = {
        user["avatarLarger"]: (1080, 1080),
        user["avatarMedium"]: (720, 720),
        user["avatarThumb"]: (100, 100),
    }
    page = (CORPUS_DIR / PROFILES[url]).read_text()
    og_image = re.search(r'<meta property="og:image" content="([^"]+)"', page)
    assert og_image, "the saved page names an og:image"
    sizes[html.unescape(og_image.group(1))] = (720, 720)
    for url, (width, height) in sizes.items():
        origin.add(url, photo(width, height), "image/jpeg")
    origin.add("https://www.tiktok.com/favicon.ico", dark_icon(), "image/x-icon")
    return sizes


def served_size(http: httpx.Client, url: str) -> tuple[int, int]:
    response = http.get(url)
    assert response.status_code == 200, url
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["etag"]
    assert response.headers["content-type"].startswith("image/")
    with Image.open(io.BytesIO(response.content)) as image:
        return image.size


@pytest.mark.parametrize("url", sorted(PROFILES))
def test_avatar_image_and_icon_are_served_at_their_stated_sizes(
    graph: GraphClient, origin: CorpusOrigin, app_url: str, url: str
) -> None:
    sources = serve_page_images(origin, url)
    preview = graph.query(QUERY, url=url)["preview"]

    for picture in (preview["tiktokUser"]["avatar"], preview["image"]):
        assert picture is not None
        source_width, source_height = sources[picture["sourceUrl"]]
        ladder = [picture[size] for size in ("thumbnail", "medium", "large", "original")]
        for rendition in ladder:
            assert rendition["url"].startswith(f"{app_url}/media/")
            assert served_size(graph.http, rendition["url"]) == (
                rendition["width"],
                rendition["height"],
            )
        widths = [rendition["width"] for rendition in ladder]
        assert widths == sorted(widths)
        assert widths[0] <= 320
        assert ladder[-1]["width"] == source_width, "the original keeps the source's size"
        assert ladder[-1]["height"] == source_height
        assert all(width <= source_width for width in widths), "never upscaled"
        assert picture["placeholder"].startswith("data:image/")
        assert re.fullmatch(r"#[0-9A-F]{6}", picture["dominantColor"], re.I)
        assert f"{ladder[0]['url']} {widths[0]}w" in picture["srcset"]

    icon = preview["icon"]
    assert icon["url"].startswith(f"{app_url}/media/")
    assert served_size(graph.http, icon["url"]) == (icon["width"], icon["height"]) == (48, 48)
    assert icon["backgroundColor"] == "#FFFFFF", "a dark mark on transparency needs white"


def test_a_tampered_media_url_is_refused_without_a_fetch(
    graph: GraphClient, origin: CorpusOrigin
) -> None:
    serve_page_images(origin)
    avatar = graph.query(QUERY, url=URL)["preview"]["tiktokUser"]["avatar"]
    hits_before = len(origin.hits)
    url: str = avatar["thumbnail"]["url"]
    prefix, _, path = url.partition("/media/")
    signature, _, rest = path.partition("/")
    tampered = f"{prefix}/media/{signature[::-1]}/{rest}"
    invented = f"{prefix}/media/{signature}/{'0' * 64}/thumbnail.jpeg"
    for bad in (tampered, invented):
        assert graph.http.get(bad).status_code in {403, 404}
    assert len(origin.hits) == hits_before


def test_images_keep_serving_after_the_source_expires(
    graph: GraphClient, origin: CorpusOrigin
) -> None:
    sources = serve_page_images(origin)
    avatar = graph.query(QUERY, url=URL)["preview"]["tiktokUser"]["avatar"]
    for url in sources:
        origin.add(url, b"gone", "text/plain")  # the signed CDN URL has expired
    assert served_size(graph.http, avatar["original"]["url"]) == (
        avatar["original"]["width"],
        avatar["original"]["height"],
    )
