"""How big each section's run is: the full run (the baseline, a few minutes on two cores) and
`--quick` (seconds; what the test runs to check that every section still works)."""

from __future__ import annotations

from dataclasses import dataclass

from settings import Settings

DEFAULT_FETCH_CONCURRENCY: int = Settings.model_fields["fetch_concurrency"].default
DEFAULT_MAX_URLS: int = Settings.model_fields["max_urls_per_request"].default


@dataclass(frozen=True, slots=True)
class Sizes:
    # Section 1: previews in the batch query; load connections; seconds measured per run
    # (after `warmup` seconds that are not), and for the one-connection latency run.
    batch: int = 50
    connections: int = 8
    duration: float = 5.0
    warmup: float = 1.0
    lone_duration: float = 3.0
    # Rounds of those runs; the table shows each figure's median round.
    repeats: int = 3
    # Section 2: distinct URLs in the cold batch, batches measured, the origin's delay.
    cold_urls: int = 100
    cold_rounds: int = 3
    cold_delay: float = 0.100
    fetch_concurrency: int = DEFAULT_FETCH_CONCURRENCY
    # Section 2b: links in the streamed batch, and the fastest and slowest link's latency
    # (the others spread evenly between them).
    first_urls: int = 50
    first_fastest: float = 0.050
    first_slowest: float = 3.0
    # Section 3: corpus pages (None: all) and the least time each extractor runs for.
    extraction_pages: int | None = None
    extraction_seconds: float = 4.0
    # Section 4: records put in the cache, and how many of them are then queried.
    memory_records: int = 10_000
    memory_sample: int = 2_000


FULL = Sizes()
QUICK = Sizes(
    batch=5,
    connections=4,
    duration=0.5,
    warmup=0.2,
    lone_duration=0.3,
    repeats=1,
    cold_urls=20,
    cold_rounds=1,
    first_urls=10,
    first_slowest=0.5,
    extraction_pages=8,
    extraction_seconds=0.0,
    memory_records=300,
    memory_sample=50,
)
