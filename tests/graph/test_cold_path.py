"""The cold path overlaps: a page's sub-fetches start as soon as the page is read, together,
rather than one after another. Here the page's own image is downloaded while its slow oEmbed
endpoint is still answering (it used to wait for oEmbed, which may name another image)."""

from __future__ import annotations

import io
import json

from PIL import Image

from tests.conftest import GraphClient
from tests.support.origin import CorpusOrigin

BASE = "https://example.com/linkgraph-cold"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_the_page_image_is_fetched_while_oembed_answers(
    origin: CorpusOrigin, graph: GraphClient
) -> None:
    page, image, oembed = f"{BASE}/page", f"{BASE}/cover.png", f"{BASE}/oembed.json"
    origin.add(
        page,
        (
            "<!doctype html><title>Cold path</title>"
            f'<meta property="og:image" content="{image}">'
            f'<link rel="alternate" type="application/json+oembed" href="{oembed}">'
        ).encode(),
    )
    origin.add(image, _png(), "image/png")
    origin.add(
        oembed,
        json.dumps({"version": "1.0", "type": "link", "title": "From oEmbed"}).encode(),
        "application/json",
    )
    origin.slow(oembed, 1.0)
    data = graph.query(
        "query ($url: String!) { preview(url: $url) { ... on LinkPreview { title image"
        " { original { width height } } } } }",
        url=page,
    )
    preview = data["preview"]
    assert preview["title"] == "Cold path"
    assert preview["image"]["original"] == {"width": 64, "height": 48}
    (image_hit,) = origin.hits_for(image)
    (oembed_hit,) = origin.hits_for(oembed)
    assert image_hit.started < oembed_hit.finished, "the image waited for oEmbed"
    assert image_hit.finished < oembed_hit.finished
