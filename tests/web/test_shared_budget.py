"""With the cache in Redis, every instance charges one budget per key (a real redis-server)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from settings import Settings
from tests.support.origin import CorpusOrigin
from tests.support.redis_server import flush
from tests.support.server import serve_app
from tests.web.test_keys_and_budget import ask, page, remaining
from web.rate_limit import Budget
from web.redis_buckets import RedisBuckets


async def test_the_script_refills_charges_and_shares_buckets(redis_url: str) -> None:
    flush(redis_url)
    budget = Budget(capacity=100, refill=0.001)
    one, two = RedisBuckets.from_url(redis_url, budget), RedisBuckets.from_url(redis_url, budget)
    try:
        assert await one.take("key:a", 0) == pytest.approx(100)
        assert await one.take("key:a", 130) == pytest.approx(-30, abs=0.01)
        assert await two.take("key:a", 0) == pytest.approx(-30, abs=0.01)
        assert await two.take("key:a", 2.5) == pytest.approx(-32.5, abs=0.01)
        assert await two.take("key:b", 0) == pytest.approx(100)
        # Admission takes one point only when one is left, in the same script run.
        assert await one.take("key:c", 98.5) == pytest.approx(1.5, abs=0.01)
        admitted, level = await two.admit("key:c")
        assert admitted
        assert level == pytest.approx(0.5, abs=0.01)
        admitted, level = await one.admit("key:c")
        assert not admitted
        assert level == pytest.approx(0.5, abs=0.01)
        assert await two.take("key:c", 0) == pytest.approx(0.5, abs=0.01)
    finally:
        await one.aclose()
        await two.aclose()


def test_a_key_exhausted_on_one_instance_is_refused_by_another(
    settings: Settings, origin: CorpusOrigin, redis_url: str, tmp_path: Path
) -> None:
    flush(redis_url)
    first, second = page(origin, "shared-one"), page(origin, "shared-two")
    shared = settings.model_copy(
        update={
            "cache_url": redis_url,
            "api_keys": ("alpha", "beta"),
            "rate_capacity": 15,
            "rate_refill": 0.001,
        }
    )
    with (
        serve_app(shared) as base_a,
        serve_app(shared.model_copy(update={"data_dir": tmp_path / "b"})) as base_b,
        httpx.Client(base_url=base_a, timeout=60) as a,
        httpx.Client(base_url=base_b, timeout=60) as b,
    ):
        assert remaining(ask(a, first, "alpha")) == 5
        assert remaining(ask(b, first, "alpha")) == 4  # served from the shared cache: 1 point
        assert remaining(ask(b, second, "alpha")) == 0
        fetched = len(origin.hits)
        refused = ask(a, first, "alpha")
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert len(origin.hits) == fetched
        assert remaining(ask(a, first, "beta")) == 14
