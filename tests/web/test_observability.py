"""Health, readiness, metrics, request ids, JSON logs and CORS, against the real app."""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from fetching.errors import TooLargeError
from settings import Settings
from tests.support.server import serve_app
from web import logs
from web.logs import JsonFormatter, configure_logging, current_request, log_access
from web.metrics import HttpMetrics, Metrics
from web.request_id import new_request_id

TYPENAME = {"query": "{ __typename }"}


@pytest.fixture
def client(settings: Settings) -> Iterator[httpx.Client]:
    with serve_app(settings) as url, httpx.Client(base_url=url, timeout=30) as http:
        yield http


def test_healthz_says_ok(client: httpx.Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_the_cache_and_media_directories(
    client: httpx.Client, settings: Settings
) -> None:
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ok", "checked": ["cache", "disk", "media"]}
    media = settings.data_dir / "media"
    shutil.rmtree(media, ignore_errors=True)
    media.write_text("not a directory")
    broken = client.get("/readyz")
    assert broken.status_code == 503
    body = broken.json()
    assert body["status"] == "unavailable"
    assert set(body["failed"]) == {"media"}
    assert client.get("/healthz").status_code == 200


def test_readyz_says_not_ready_when_free_space_is_under_the_threshold(
    settings: Settings,
) -> None:
    """The real filesystem's free space against the setting: a threshold above it turns
    /readyz not ready and says how much is free; one below it (or 0, off) is ready."""
    free = shutil.disk_usage(settings.data_dir.parent).free
    low = settings.model_copy(update={"min_free_bytes": free * 4})
    with serve_app(low) as url:
        answer = httpx.get(f"{url}/readyz", timeout=30)
    assert answer.status_code == 503
    failed = answer.json()["failed"]
    assert set(failed) == {"disk"}
    assert failed["disk"].endswith(f"bytes free, below the {free * 4} required")
    for threshold in (1, 0):
        ok = settings.model_copy(update={"min_free_bytes": threshold})
        with serve_app(ok) as url:
            answer = httpx.get(f"{url}/readyz", timeout=30)
        assert answer.status_code == 200, answer.text
        assert ("disk" in answer.json()["checked"]) == bool(threshold)


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in a Prometheus text exposition."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    series = f"{name}{{{wanted}}}" if labels else name
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_metrics_count_requests_and_latency(client: httpx.Client) -> None:
    for _ in range(2):
        assert client.post("/graphql", json=TYPENAME).status_code == 200
    client.get("/nowhere")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert sample(text, "linkgraph_requests_total", path="/graphql", status="200") == 2
    assert sample(text, "linkgraph_requests_total", path="other", status="404") == 1
    assert sample(text, "linkgraph_request_seconds_count", path="/graphql") == 2
    assert (sample(text, "linkgraph_request_seconds_sum", path="/graphql") or 0) > 0
    assert sample(text, "linkgraph_cache_lookups_total", result="hit") == 0
    assert sample(text, "linkgraph_fetches_in_flight") == 0


def test_request_latency_falls_in_prometheus_buckets() -> None:
    """Each bucket counts the requests at or under its bound (`le`), cumulatively."""
    metrics = Metrics()
    http = HttpMetrics(metrics)
    for seconds in (0.005, 0.03, 0.03, 100.0):
        http.record("/graphql", 200, seconds)
    http.record("/media/abc/def/thumbnail.jpg", 304, 0.001)
    text = metrics.exposition().decode()

    def bucket(le: str) -> float | None:
        return sample(text, "linkgraph_request_seconds_bucket", le=le, path="/graphql")

    assert [bucket(le) for le in ("0.005", "0.01", "0.025", "0.05", "60.0", "+Inf")] == [
        1,
        1,
        1,
        3,
        3,
        4,
    ]
    assert sample(text, "linkgraph_request_seconds_count", path="/graphql") == 4
    assert sample(text, "linkgraph_request_seconds_sum", path="/graphql") == pytest.approx(100.065)
    assert sample(text, "linkgraph_requests_total", path="/media", status="304") == 1
    assert sample(text, "linkgraph_requests_total", path="/graphql", status="200") == 4


def test_metrics_hooks_feed_their_series() -> None:
    metrics = Metrics()
    metrics.record_cache(hit=True, n=3)
    metrics.record_cache(hit=False, n=2)
    metrics.record_fetch("ok", "200")
    metrics.record_fetch("error", "LINK_TOOK_TOO_LONG")
    registry = metrics.registry
    with metrics.fetch_in_flight():
        assert registry.get_sample_value("linkgraph_fetches_in_flight") == 1
    assert registry.get_sample_value("linkgraph_fetches_in_flight") == 0
    assert registry.get_sample_value("linkgraph_cache_lookups_total", {"result": "hit"}) == 3
    assert registry.get_sample_value("linkgraph_cache_lookups_total", {"result": "miss"}) == 2
    labels = {"outcome": "error", "code": "LINK_TOOK_TOO_LONG"}
    assert registry.get_sample_value("linkgraph_upstream_fetches_total", labels) == 1
    labels = {"outcome": "ok", "code": "200"}
    assert registry.get_sample_value("linkgraph_upstream_fetches_total", labels) == 1
    assert Metrics().registry.get_sample_value("linkgraph_fetches_in_flight") == 0


def test_the_fetchers_hook_counts_a_failure_under_its_clients_code() -> None:
    metrics = Metrics()
    metrics.fetch_finished(206)
    metrics.fetch_finished(TooLargeError("the link's content is too large", status=200))
    registry = metrics.registry
    labels = {"outcome": "ok", "code": "206"}
    assert registry.get_sample_value("linkgraph_upstream_fetches_total", labels) == 1
    labels = {"outcome": "error", "code": "LINK_TOO_LARGE"}
    assert registry.get_sample_value("linkgraph_upstream_fetches_total", labels) == 1


def test_a_sane_request_id_is_echoed(client: httpx.Client) -> None:
    response = client.post("/graphql", json=TYPENAME, headers={"x-request-id": "mobile.42-a_b"})
    assert response.headers["x-request-id"] == "mobile.42-a_b"


@pytest.mark.parametrize("given", [None, "a" * 65, "has space", "semi;colon"])
def test_a_missing_or_odd_request_id_is_replaced(client: httpx.Client, given: str | None) -> None:
    headers = {"x-request-id": given} if given is not None else {}
    first = client.post("/graphql", json=TYPENAME, headers=headers).headers["x-request-id"]
    second = client.get("/healthz", headers=headers).headers["x-request-id"]
    for generated in (first, second):
        assert generated != given
        assert len(generated) == 24
        assert generated.replace("-", "").replace("_", "").isalnum()
    assert first != second


def test_generated_request_ids_are_distinct_past_a_read_and_in_a_forked_child() -> None:
    ids = [new_request_id() for _ in range(600)]  # more than one read's worth
    assert len(set(ids)) == 600
    assert all(len(i) == 24 and i.replace("-", "").replace("_", "").isalnum() for i in ids)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: its next id, then gone without pytest's teardown
        os.write(write, new_request_id().encode())
        os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    with os.fdopen(read, "rb") as pipe:
        childs = pipe.read().decode()
    assert len(childs) == 24
    assert childs != new_request_id()  # not the id the parent had lined up next
    assert childs not in ids


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_the_access_log_line_carries_the_request_id(client: httpx.Client) -> None:
    # A handler on the logger itself: independent of what other tests did to propagation.
    access = logging.getLogger("linkgraph.access")
    handler, level = _Records(), access.level
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        response = client.post("/graphql", json=TYPENAME)
        request_id = response.headers["x-request-id"]
        # The server writes the line once the answer is sent, so it may land just after the
        # client has the answer: wait for it (bounded) rather than race it.
        for _ in range(300):
            lines = [json.loads(JsonFormatter().format(record)) for record in handler.records]
            mine = [line for line in lines if line["request_id"] == request_id]
            if mine:
                break
            time.sleep(0.1)
    finally:
        access.removeHandler(handler)
        access.setLevel(level)
    assert len(mine) == 1, lines
    assert mine[0]["level"] == "INFO"
    assert "POST /graphql 200" in mine[0]["message"]


def test_configure_logging_writes_json_lines_with_exceptions() -> None:
    stream = io.StringIO()
    handler = configure_logging("INFO", "json", stream=stream)
    try:
        log = logging.getLogger("linkgraph.test")
        log.info("plain")
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("failed")
        log.debug("below the level")
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["message"] for line in lines] == ["plain", "failed"]
    assert lines[0]["logger"] == "linkgraph.test"
    assert lines[0]["request_id"] is None
    assert set(lines[0]) == {"time", "level", "logger", "message", "request_id"}
    assert "ValueError: boom" in lines[1]["exception"]


def test_the_access_line_written_directly_is_the_line_a_record_makes() -> None:
    """Alone, the JSON handler gets the access line straight from `log_access`; with anyone
    else listening, the ordinary record: both write the same line."""
    root = logging.getLogger()
    others = root.handlers[:]
    for other in others:  # pytest's own capture handlers
        root.removeHandler(other)
    stream = io.StringIO()
    handler = configure_logging("INFO", "json", stream=stream)
    listener = _Records()
    token = current_request.set("req-1")
    try:
        assert logs._sole_json_handler() is handler
        log_access("POST", "/graphql", 200, 0.00312)
        root.addHandler(listener)
        assert logs._sole_json_handler() is None
        log_access("POST", "/graphql", 200, 0.00312)
    finally:
        current_request.reset(token)
        root.removeHandler(listener)
        root.removeHandler(handler)
        for other in others:
            root.addHandler(other)
    direct, recorded = (json.loads(line) for line in stream.getvalue().splitlines())
    for line in (direct, recorded):
        assert datetime.fromisoformat(line.pop("time")).tzinfo == UTC
    assert (
        direct
        == recorded
        == {
            "level": "INFO",
            "logger": "linkgraph.access",
            "message": "POST /graphql 200 3.1ms",
            "request_id": "req-1",
        }
    )
    assert [r.getMessage() for r in listener.records] == ["POST /graphql 200 3.1ms"]


@pytest.fixture
def cors_client(settings: Settings) -> Iterator[httpx.Client]:
    allowed = settings.model_copy(update={"cors_origins": ("https://app.example",)})
    with serve_app(allowed) as url, httpx.Client(base_url=url, timeout=30) as http:
        yield http


def preflight(http: httpx.Client, origin: str) -> httpx.Response:
    return http.options(
        "/graphql",
        headers={
            "origin": origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
        },
    )


def test_cors_preflight_from_an_allowed_origin(cors_client: httpx.Client) -> None:
    response = preflight(cors_client, "https://app.example")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://app.example"
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed_headers
    assert "content-type" in allowed_headers
    post = cors_client.post("/graphql", json=TYPENAME, headers={"origin": "https://app.example"})
    assert post.headers["access-control-allow-origin"] == "https://app.example"


def test_cors_preflight_from_another_origin_gets_no_grant(cors_client: httpx.Client) -> None:
    response = preflight(cors_client, "https://evil.example")
    assert "access-control-allow-origin" not in response.headers
    post = cors_client.post("/graphql", json=TYPENAME, headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in post.headers


def test_no_cors_headers_without_configured_origins(client: httpx.Client) -> None:
    response = preflight(client, "https://app.example")
    assert "access-control-allow-origin" not in response.headers
    post = client.post("/graphql", json=TYPENAME, headers={"origin": "https://app.example"})
    assert "access-control-allow-origin" not in post.headers


def test_metrics_count_cache_lookups_and_upstream_fetches(client: httpx.Client) -> None:
    query = {"query": '{ preview(url: "https://github.com/x/metrics") { __typename } }'}
    for _ in range(2):
        assert client.post("/graphql", json=query).status_code == 200
    text = client.get("/metrics").text
    assert sample(text, "linkgraph_cache_lookups_total", result="miss") == 1
    assert sample(text, "linkgraph_cache_lookups_total", result="hit") == 1
    # The origin answers 404 for this path: one page fetch, counted with its code.
    assert (
        sample(text, "linkgraph_upstream_fetches_total", code="LINK_NOT_FOUND", outcome="error")
        == 1
    )
    assert sample(text, "linkgraph_fetches_in_flight") == 0


@pytest.mark.parametrize(
    "created",
    [1700000000.0, 1700000000.001, 1700000000.9996, 1700000000.9999996, 1764072000.5],
)
def test_json_log_time_is_iso_8601_utc_with_milliseconds(created: float) -> None:
    """The formatter's cached-second clock writes what `datetime.isoformat` would, carry and
    rounding included."""
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    record.created = created
    line = json.loads(JsonFormatter().format(record))
    assert line["time"] == datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")
