"""One client registering many long persisted queries: the server's resident size after it.

Each query is `{ __typename }` behind a long comment (the token limit does not count
comments), registered with its SHA-256 as Apollo's automatic persisted queries do, each one
new. This once took a process from 107 MB to 1.48 GB for 2 500 queries of 234 KiB. The
per-client budget is lifted, as in the rest of the bench, so that only the memory bounds
(persisted queries, parsed documents, plans) stand between the flood and the heap.

    python -m bench.document_flood                      # defaults: refused (QUERY_TOO_LARGE)
    python -m bench.document_flood --max-query-bytes 262144   # accepted: the byte bounds hold
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import tempfile
from collections import Counter
from pathlib import Path

import httpx

from bench.servers import app_env, free_port, memory, serve


def _query(index: int, size: int) -> str:
    head = f"{{ __typename }} # {index} "
    return head + "x" * (size - len(head))


async def _flood(base_url: str, count: int, size: int, clients: int) -> Counter[int]:
    statuses: Counter[int] = Counter()
    indexes = iter(range(count))

    async def client(http: httpx.AsyncClient) -> None:
        for index in indexes:
            query = _query(index, size)
            digest = hashlib.sha256(query.encode()).hexdigest()
            body = {
                "query": query,
                "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}},
            }
            response = await http.post("/graphql", json=body)
            statuses[response.status_code] += 1

    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    return statuses


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.document_flood")
    parser.add_argument("--count", type=int, default=2_500)
    parser.add_argument("--size", type=int, default=234 * 1024)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--max-query-bytes", type=int, default=None)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        port = free_port()
        env = app_env(Path(workdir) / "data", port)
        if arguments.max_query_bytes is not None:
            env["LINKGRAPH_MAX_QUERY_BYTES"] = str(arguments.max_query_bytes)
        with serve("app", "app:app", env, Path(workdir), port) as server:
            httpx.post(server.base_url + "/graphql", json={"query": "{ __typename }"})
            before = memory(server.pid)
            statuses = asyncio.run(
                _flood(server.base_url, arguments.count, arguments.size, arguments.clients)
            )
            after = memory(server.pid)
    print(
        f"{arguments.count} persisted queries of {arguments.size // 1024} KiB "
        f"(max query bytes: {arguments.max_query_bytes or 'default'}): "
        f"statuses {dict(sorted(statuses.items()))}; RSS {before.rss_mib:.0f} MiB -> "
        f"{after.rss_mib:.0f} MiB (peak {after.hwm_mib:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
