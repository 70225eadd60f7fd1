"""Media retention at scale: many distinct images ingested through the real MediaService
(real fetcher, a loopback image origin, real decoding and resizing, the real store), the
retention sweep running every `--sweep-every` images as the app's loop would, and a few hot
images served between them. Prints the budget, what the store held at its peak and at the
end, and what the sweeps removed.

    .venv/bin/python -m bench.retention                      # directory store
    .venv/bin/python -m bench.retention --store s3           # a real SeaweedFS, started here
    .venv/bin/python -m bench.retention --images 3000 --budget 4000000

It uses the tests' image origin and picture maker (the dev group), on 127.10.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from fetching import FetchPolicy, SafeFetcher
from fetching.host_limit import HostRate
from media import build_media_service
from media.store import FileMediaStore, MediaStore
from model.record import ImageRef
from tests.media import images
from tests.media.origin import serve_images
from tests.support.s3_server import run_s3, s3_store

ORIGIN = "127.10.0.1"


async def run(args: argparse.Namespace, store: MediaStore, data_dir: Path) -> None:
    with serve_images(ORIGIN) as origin:
        fetcher = SafeFetcher(
            FetchPolicy(
                allow_networks=(ipaddress.ip_network("127.10.0.0/16"),),
                # One origin serves every image: lift the per-site politeness limit.
                host_limit=HostRate(rate=1e6, burst=1000),
            )
        )
        media = build_media_service(
            data_dir=data_dir,
            media_key="",
            public_url="http://bench.test",
            fetcher=fetcher,
            store=store,
            max_bytes=args.budget,
        )
        assert media.retention is not None
        peak = evicted = evicted_bytes = 0
        hot: list[str] = []
        started = time.perf_counter()
        for index in range(args.images):
            # Distinct pictures: a different size and quality each, so every one is new bytes.
            body = images.jpeg(400 + index % 300, 300 + index % 200)
            url = origin.serve(f"/{index}.jpg", body)
            ref = await media.ingest_image(ImageRef(source_url=url))
            if ref is not None and ref.thumbnail is not None and index % 50 == 0:
                hot.append(ref.thumbnail.url)
            for served in hot[-5:]:  # a few popular cards keep being drawn
                signature, key, filename = served.split("/media/", 1)[1].split("/")
                await media.open(signature, key, filename)
            if (index + 1) % args.sweep_every == 0:
                peak = max(peak, await store.size())
                report = await media.retention.sweep()
                evicted += report.evicted
                evicted_bytes += report.evicted_bytes
        peak = max(peak, await store.size())
        report = await media.retention.sweep()
        evicted += report.evicted
        evicted_bytes += report.evicted_bytes
        seconds = time.perf_counter() - started
        final = await store.size()
        objects = len(await store.list())
        kept_hot = 0
        for served in hot[-5:]:
            kept_hot += await store.exists(served.split("/media/", 1)[1].split("/")[1])
        await media.aclose()
        await fetcher.aclose()
    print(f"store: {args.store}; images ingested: {args.images} in {seconds:.1f}s")
    print(f"budget: {args.budget} bytes; sweep every {args.sweep_every} images")
    print(f"stored at the end: {final} bytes in {objects} objects ({final / args.budget:.0%})")
    print(f"peak before a sweep: {peak} bytes ({peak / args.budget:.0%} of the budget)")
    print(f"removed by the sweeps: {evicted} objects, {evicted_bytes} bytes")
    print(f"hot images still stored: {kept_hot} of {min(5, len(hot))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=3000)
    parser.add_argument("--budget", type=int, default=4_000_000)
    parser.add_argument("--sweep-every", type=int, default=100)
    parser.add_argument("--store", choices=["directory", "s3"], default="directory")
    args = parser.parse_args()
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="retention-")))
        store: MediaStore = FileMediaStore(work / "media")
        if args.store == "s3":
            (work / "s3").mkdir()
            server = stack.enter_context(run_s3(work / "s3"))
            store = s3_store(server, "bench")
        asyncio.run(run(args, store, work / "data"))


if __name__ == "__main__":
    main()
