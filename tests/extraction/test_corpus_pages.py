"""Every saved page in the shared corpus through parse_page, read_metadata and the site rules.

Expectations are relations the pages themselves establish (the manifest's facts, a page's
own JSON, the same page saved in two encodings), not answers copied from the output, so the
test keeps its meaning whatever the corpus holds.
"""

from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from extraction.metadata import PageMetadata, read_metadata
from extraction.page import ParsedPage, parse_page
from model.record import TiktokUser, Visibility
from sites import SiteExtract, apply_site_rules

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
if not (CORPUS / "manifest.json").is_file():
    pytest.skip(f"the shared corpus is absent (looked in {CORPUS})", allow_module_level=True)

MANIFEST: list[dict[str, Any]] = json.loads((CORPUS / "manifest.json").read_text())
UNKNOWN_URL = "http://fakehost/test/page.html"  # what readability's harness serves them as
# SOURCES.md: pages served with their real charset left to the meta tag, or with a header.
SERVED_CHARSET = {
    "pages/html-get/51242_54045.html": None,
    "pages/html-get/rp.pl.html": None,
    "pages/link_thumbnailer/google_shift_jis.html": "Shift_JIS",
}
PROFILES = {
    "pages/metascraper/metascraper-tiktok/fixtures/profile.html": ("illojuan", True),
    "pages/unavatar/tiktok.html": ("carlosazaustre", False),
}
VIDEO = "pages/metascraper/metascraper-tiktok/fixtures/video.html"


@dataclass(frozen=True)
class Served:
    """A corpus page as the origin would serve it: body, header charset and URL."""

    file: str
    url: str
    body: bytes
    charset: str | None


def serve(entry: dict[str, Any]) -> Served:
    raw = (CORPUS / entry["file"]).read_bytes()
    url = entry["url"] or UNKNOWN_URL
    if raw.startswith(b"HTTP/"):  # metainspector's raw responses: headers, blank line, body
        head, _, body = re.split(rb"(\r?\n\r?\n)", raw, maxsplit=1)
        found = re.search(rb"^content-type:.*?charset=([^\s;]+)", head, re.I | re.M)
        return Served(entry["file"], url, body, found.group(1).decode() if found else None)
    return Served(entry["file"], url, raw, SERVED_CHARSET.get(entry["file"], "utf-8"))


@dataclass(frozen=True)
class Reading:
    page: ParsedPage
    metadata: PageMetadata
    site: SiteExtract | None


@cache
def read(file: str, charset: str | None = "served") -> Reading:
    served = serve(next(entry for entry in MANIFEST if entry["file"] == file))
    page = parse_page(
        served.body, url=served.url, http_charset=served.charset if charset == "served" else charset
    )
    return Reading(page, read_metadata(page), apply_site_rules(served.url, page))


@pytest.mark.parametrize("entry", MANIFEST, ids=[entry["file"] for entry in MANIFEST])
def test_page_reads_without_errors(entry: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        reading = read.__wrapped__(entry["file"])
    assert not caplog.records, [record.getMessage() for record in caplog.records]
    if entry["has_og_title"] or entry["has_title"]:
        assert reading.metadata.title, "the page has a title the reading lost"
    if entry["og_image"]:
        assert reading.metadata.image is not None, "the page has an og:image the reading lost"
    if entry["has_og_description"] or entry["has_meta_description"]:
        assert reading.metadata.description


def test_relative_og_images_are_resolved_against_the_page() -> None:
    for entry in MANIFEST:
        if not entry["og_image_relative"]:
            continue
        image = read(entry["file"]).metadata.image
        assert image is not None
        assert image.source_url.startswith(("http://", "https://")), entry["file"]
        relative = html.unescape(entry["og_image"]).lstrip("/")
        assert image.source_url.endswith(relative), (image.source_url, relative)


def test_shift_jis_page_decodes_like_its_utf8_copy() -> None:
    """link_thumbnailer's fixture pair: the same google.co.jp page in two encodings."""
    sjis = read("pages/link_thumbnailer/google_shift_jis.html")
    utf8 = read("pages/link_thumbnailer/google_utf8.html")
    assert sjis.page.encoding == "cp932"
    assert sjis.metadata.title == utf8.metadata.title
    assert sjis.metadata.description == utf8.metadata.description
    assert sjis.metadata.description
    assert not sjis.metadata.description.isascii()


def declared_title(file: str, codec: str) -> str:
    """The page's `<title>` decoded by the test itself with the page's real encoding."""
    raw = (CORPUS / file).read_bytes()
    found = re.search(rb"<title[^>]*>(.*?)</title>", raw, re.S | re.I)
    assert found
    return " ".join(html.unescape(found.group(1).decode(codec)).split())


@pytest.mark.parametrize(
    ("file", "codec"),
    [
        ("pages/html-get/51242_54045.html", "cp932"),
        ("pages/html-get/rp.pl.html", "cp1250"),
        ("pages/metainspector/alazan.com.response", "cp1252"),
    ],
)
def test_legacy_encoded_pages_decode_by_their_declaration(file: str, codec: str) -> None:
    reading = read(file)
    assert reading.page.encoding == codec
    assert reading.page.title == declared_title(file, codec)
    assert reading.page.title
    assert not reading.page.title.isascii()


def test_windows_1250_page_keeps_polish_letters_in_its_og_tags() -> None:
    reading = read("pages/html-get/rp.pl.html")
    text = f"{reading.metadata.title} {reading.metadata.description}"
    assert set(text) & set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
    assert "Ä" not in text
    assert "\ufffd" not in text


def test_utf8_page_with_stray_bytes_stays_utf8() -> None:
    reading = read("pages/metainspector/invalid_utf8_byte_seq.response")
    assert reading.page.encoding == "utf-8"
    title = reading.metadata.title or ""
    assert "Ã" not in title


@pytest.mark.parametrize(
    "file",
    [
        "pages/metascraper/integration/pikabu/input.html",
        "pages/readability/qq/source.html",
        "pages/postlight-parser/jvndb.jvn.jp.html",
    ],
)
def test_mislabelled_utf8_pages_read_the_same_without_the_header(file: str) -> None:
    """These declare a legacy charset but are stored as UTF-8 (SOURCES.md)."""
    with_header = read(file)
    without = read(file, charset=None)
    assert without.page.encoding == "utf-8"
    assert without.metadata.title == with_header.metadata.title
    assert without.metadata.title
    assert not without.metadata.title.isascii()


def page_user_info(file: str) -> dict[str, Any]:
    """`userInfo` from the page's rehydration JSON, read independently of the code under test."""
    text = (CORPUS / file).read_text(encoding="utf-8")
    found = re.search(
        r'<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__"[^>]*>(.*?)</script>', text, re.S
    )
    assert found, "the saved page has rehydration data"
    info: dict[str, Any] = json.loads(found.group(1))["__DEFAULT_SCOPE__"]["webapp.user-detail"][
        "userInfo"
    ]
    return info


@pytest.mark.parametrize("file", sorted(PROFILES))
def test_tiktok_profiles(file: str) -> None:
    handle, verified = PROFILES[file]
    reading = read(file)
    assert reading.site is not None
    user = reading.site.details
    assert isinstance(user, TiktokUser)
    entry = next(entry for entry in MANIFEST if entry["file"] == file)
    assert user.username == handle == entry["url"].rsplit("@", 1)[1]
    assert user.profile_url == f"https://www.tiktok.com/@{handle}"
    assert user.verified is verified
    assert user.visibility is Visibility.PUBLIC

    info = page_user_info(file)
    exact, page_user = info["statsV2"], info["user"]
    assert user.followers_count == int(exact["followerCount"])
    assert user.following_count == int(exact["followingCount"])
    assert user.likes_count == int(exact["heartCount"])
    assert user.videos_count == int(exact["videoCount"])
    assert (user.id, user.name, user.bio) == (
        page_user["id"],
        page_user["nickname"],
        page_user["signature"],
    )
    assert user.avatar is not None
    assert user.avatar.source_url == page_user["avatarLarger"]
    assert reading.site.title == f"{page_user['nickname']} (@{handle})"
    assert reading.site.description == page_user["signature"]
    link = page_user["bioLink"]["link"]
    assert user.url is not None
    assert user.url.endswith(link.split("://")[-1])


def test_tiktok_video_page_is_not_a_profile() -> None:
    reading = read(VIDEO)
    assert reading.site is None or not isinstance(reading.site.details, TiktokUser)
    assert reading.metadata.title
