"""Two clients, one sending slow links: how long the other's cold link takes.

The slow client (its own API key) asks for 100 links to an origin that answers after
`--slow-delay` seconds, two requests of 50 (its whole budget); while they are in flight the
other client asks for one cold link to an origin answering after 0.4 s. Before fetch slots
were shared per client, the slow links queued ahead of it and it took 59 s; the target is
under 2 s.

    python -m bench.fairness
    python -m bench.fairness --client-share 16   # no per-client cap, for comparison
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import httpx

from bench.servers import app_env, free_port, serve
from bench.slow_origin import slow_origin

QUERY = "query ($urls: [String!]!) { previews(urls: $urls) { __typename } }"


async def _race(base_url: str, slow_links: list[str], cold_link: str) -> tuple[float, float]:
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as http:

        async def ask(key: str, urls: list[str]) -> float:
            started = time.perf_counter()
            response = await http.post(
                "/graphql",
                json={"query": QUERY, "variables": {"urls": urls}},
                headers={"authorization": f"Bearer {key}"},
            )
            response.raise_for_status()
            return time.perf_counter() - started

        slow = [
            asyncio.create_task(ask("slow", slow_links[i : i + 50]))
            for i in range(0, len(slow_links), 50)
        ]
        await asyncio.sleep(0.5)  # the slow links are queued and in flight
        other = await ask("other", [cold_link])
        slowest = max(await asyncio.gather(*slow))
    return other, slowest


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.fairness")
    parser.add_argument("--slow-delay", type=float, default=8.0)
    parser.add_argument("--links", type=int, default=100)
    parser.add_argument(
        "--client-share", type=int, default=0, help="LINKGRAPH_FETCH_CLIENT_SHARE (0: default)"
    )
    arguments = parser.parse_args()
    with (
        slow_origin(arguments.slow_delay) as slow_site,
        slow_origin(0.4) as cold_site,
        tempfile.TemporaryDirectory() as workdir,
    ):
        port = free_port()
        env = app_env(Path(workdir) / "data", port, allow_networks=("127.9.1.0/24",))
        env["LINKGRAPH_API_KEYS"] = "slow,other"
        env["LINKGRAPH_FETCH_CLIENT_SHARE"] = str(arguments.client_share)
        with serve("app", "app:app", env, Path(workdir), port) as server:
            slow_links = [slow_site.url(f"slow-{n}") for n in range(arguments.links)]
            other, slowest = asyncio.run(_race(server.base_url, slow_links, cold_site.url("cold")))
    print(
        f"other client's cold link: {other:.2f} s while the slow client's {arguments.links} "
        f"links ({arguments.slow_delay} s each) took {slowest:.2f} s"
    )


if __name__ == "__main__":
    main()
