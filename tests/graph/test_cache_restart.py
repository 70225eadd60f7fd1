"""A restart keeps cached previews: the second app answers without touching the origin."""

from __future__ import annotations

from settings import Settings
from tests.conftest import GraphClient
from tests.support.origin import CorpusOrigin
from tests.support.server import serve_app

URL = "https://www.tiktok.com/@carlosazaustre"
QUERY = """query ($u: String!) {
  preview(url: $u) { ... on TiktokUserPreview { updatedAt tiktokUser { username likesCount } } }
}"""


def test_previews_survive_a_restart(settings: Settings, origin: CorpusOrigin) -> None:
    with serve_app(settings) as url:
        first = GraphClient(url).query(QUERY, u=URL)["preview"]
    assert origin.count(URL) == 1
    with serve_app(settings) as url:
        second = GraphClient(url).query(QUERY, u=URL)["preview"]
    assert second == first
    assert first["tiktokUser"]["username"] == "carlosazaustre"
    assert origin.count(URL) == 1
