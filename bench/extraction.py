"""Section 3: extraction alone (no network), ours against the peers, each in its own process.

Pages per second over the corpus, peak resident size (and how much it grew over the process's
size with the corpus loaded, which is what extraction itself took), and how often each peer
agrees with ours on the title and the image. Agreement: titles compared with whitespace
collapsed, images as absolute URLs resolved against the page URL; a page where both have
nothing counts as agreeing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict, dataclass
from urllib.parse import urljoin

from bench.config import Sizes
from bench.extractors import OURS, PEERS, WorkerResult, WorkerSpec, installed
from bench.load import REPO


@dataclass(frozen=True, slots=True)
class Agreement:
    titles: int
    images: int
    pages: int


@dataclass(frozen=True, slots=True)
class ExtractionResult:
    ours: WorkerResult
    peers: tuple[WorkerResult, ...]
    missing: tuple[str, ...]
    agreements: dict[str, Agreement]

    @property
    def fastest_peer(self) -> WorkerResult | None:
        return max(self.peers, key=lambda peer: peer.pages_per_second, default=None)


def _run_worker(spec: WorkerSpec) -> WorkerResult:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.extractors"],
        input=json.dumps(asdict(spec)).encode(),
        capture_output=True,
        cwd=REPO,
        timeout=600,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{spec.name} failed: {completed.stderr.decode()[-2000:]}")
    fields = json.loads(completed.stdout)
    fields["readings"] = [tuple(reading) for reading in fields["readings"]]
    return WorkerResult(**fields)


def _title(value: str | None) -> str | None:
    collapsed = " ".join((value or "").split())
    return collapsed or None


def _image(value: str | None, page_url: str) -> str | None:
    return urljoin(page_url, value.strip()) if value and value.strip() else None


def agreement(ours: WorkerResult, peer: WorkerResult) -> Agreement:
    theirs = {url: (title, image) for url, title, image in peer.readings}
    titles = images = 0
    for url, title, image in ours.readings:
        their_title, their_image = theirs.get(url, (None, None))
        titles += _title(title) == _title(their_title)
        images += _image(image, url) == _image(their_image, url)
    return Agreement(titles=titles, images=images, pages=len(ours.readings))


def run_extraction(sizes: Sizes) -> ExtractionResult:
    def spec(name: str) -> WorkerSpec:
        return WorkerSpec(
            name=name, pages=sizes.extraction_pages, min_seconds=sizes.extraction_seconds
        )

    ours = _run_worker(spec(OURS))
    available = [name for name in PEERS if installed(name)]
    peers = tuple(_run_worker(spec(name)) for name in available)
    return ExtractionResult(
        ours=ours,
        peers=peers,
        missing=tuple(name for name in PEERS if name not in available),
        agreements={peer.name: agreement(ours, peer) for peer in peers},
    )
