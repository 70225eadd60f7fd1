"""Two clients, one of them sending slow links: the other's cold link is still answered.

Proved by order, never by time: the origin holds every slow page open until the test lets it
go, and the second client's answer has to arrive while the first client's request is still
waiting for them. Before fetch slots were shared per client, the slow client's queued
fetches stood in front of everyone else's, and the second answer waited for the first.
"""

from __future__ import annotations

import asyncio
import ipaddress

import httpx

from settings import Settings
from tests.fetching.conftest import install_routes
from tests.fetching.harness import ORIGIN_HOST, HostileOrigin
from tests.support.server import serve_app

QUERY = """query ($urls: [String!]!) {
  previews(urls: $urls) { __typename ... on PreviewError { code } ... on LinkPreview { title } }
}"""


async def test_one_clients_slow_links_do_not_starve_another(settings: Settings) -> None:
    origin = HostileOrigin()
    install_routes(origin, None)
    await origin.start()
    network = str(ipaddress.ip_network(f"{ORIGIN_HOST}/32"))
    fair = settings.model_copy(
        update={
            "api_keys": ("slow-client", "other-client"),
            "allow_networks": (*settings.allow_networks, network),
            "fetch_concurrency": 2,
            "fetch_client_share": 1,
        }
    )
    slow_links = [origin.url(f"/held?n={n}") for n in range(4)]
    try:
        with serve_app(fair) as base:
            async with httpx.AsyncClient(base_url=base, timeout=30) as http:
                slow = asyncio.create_task(
                    http.post(
                        "/graphql",
                        json={"query": QUERY, "variables": {"urls": slow_links}},
                        headers={"authorization": "Bearer slow-client"},
                    )
                )
                # The slow client holds its slot (and its other links queue for its share).
                await asyncio.wait_for(origin.held_arrived.wait(), timeout=20)
                other = await asyncio.wait_for(
                    http.post(
                        "/graphql",
                        json={"query": QUERY, "variables": {"urls": [origin.url("/html")]}},
                        headers={"authorization": "Bearer other-client"},
                    ),
                    timeout=20,
                )
                assert not slow.done(), "answered while the slow links are still held"
                assert other.json()["data"]["previews"] == [
                    {"__typename": "PagePreview", "title": "ok"}
                ]
                origin.release_held.set()
                answered = (await slow).json()["data"]["previews"]
        assert [link["__typename"] for link in answered] == ["PagePreview"] * 4
    finally:
        await origin.stop()
