"""The HTTP entry point: `uvicorn app:app` serves GraphQL at /graphql.

Importing this module builds nothing: `app` is built from the environment when uvicorn first
asks for it, and the fetcher, cache and media store are opened in the lifespan, so importing
it (tests, the CLI) touches no files.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI

from fetching import FetchPolicy, SafeFetcher
from fetching.host_limit import HostRate
from files.isolated import Isolation
from graph import build_schema
from media import ImageLimits, MediaService, build_media_service, media_router
from media.s3_store import S3Credentials, S3MediaStore
from media.stores import open_media_store
from previews.backend import Backend
from previews.caches import open_cache
from previews.direct import DirectBackend, MediaIngest
from previews.peekalink import PeekalinkBackend
from previews.redis_link import RedisLink
from previews.service import PreviewService
from previews.sqlite_cache import SqliteCache
from resolvers.plans import Plans
from schema.limits import QueryLimits, document_refusal
from screenshots import ScreenshotPolicy, Screenshots, find_chromium
from settings import ConfigurationError, Settings, load_settings, require_backend_settings
from web.address import DEFAULT_ADDRESS, public_url, self_addresses, uvicorn_address
from web.body_limit import BodyLimit
from web.card import card_router
from web.cors import add_cors
from web.graph_context import get_context
from web.graphiql import graphiql_assets_router
from web.graphql_lane import GraphqlLane
from web.health import free_space_probe, health_router, writable_dir_probe
from web.json_router import JsonRouter
from web.keys import ApiKeys, RequireApiKey, read_keys
from web.logs import configure_logging
from web.metrics import HttpMetrics, Metrics, metrics_router
from web.persisted_queries import MemoryQueryStore, PersistedQueries
from web.rate_limit import Buckets, Budget, MemoryBuckets, RateLimit
from web.redis_buckets import RedisBuckets
from web.request_id import RequestId

log = logging.getLogger("linkgraph")


def fetch_policy(settings: Settings, served: tuple[str, int] | None = None) -> FetchPolicy:
    """`served`: the host and port this server listens on, when known (refused by address)."""
    return FetchPolicy(
        hosts_file=settings.hosts_file,
        allow_networks=settings.allowed_networks,
        ca_bundle=settings.ca_bundle,
        total_timeout=settings.fetch_timeout,
        queue_timeout=settings.fetch_queue_timeout,
        connect_timeout=settings.connect_timeout,
        dns_timeout=settings.dns_timeout,
        max_redirects=settings.max_redirects,
        user_agent=settings.user_agent,
        self_origins=(_origin(settings.public_url),),
        self_addresses=self_addresses(served, settings.public_url),
        concurrency=settings.fetch_concurrency,
        client_share=settings.client_fetch_slots,
        host_limit=HostRate(rate=settings.host_rate, burst=settings.host_burst),
    )


def rate_budget(settings: Settings) -> Budget:
    return Budget(
        capacity=settings.rate_capacity,
        refill=settings.rate_refill,
        fetch_cost=settings.rate_fetch_cost,
        hit_cost=settings.rate_hit_cost,
        document_cost=settings.rate_document_cost,
    )


def rate_buckets(settings: Settings, link: RedisLink | None = None) -> Buckets:
    """Shared buckets in Redis when the cache is there (several instances), else in memory."""
    if link is not None:
        return RedisBuckets(link, rate_budget(settings))
    url = settings.resolved_cache_url
    if url.startswith(("redis://", "rediss://")):
        return RedisBuckets.from_url(url, rate_budget(settings))
    return MemoryBuckets(rate_budget(settings))


def s3_credentials(settings: Settings) -> S3Credentials:
    secret = settings.s3_secret_access_key
    return S3Credentials(
        endpoint=settings.s3_endpoint,
        access_key_id=settings.s3_access_key_id,
        secret_access_key=secret.get_secret_value() if secret else None,
        region=settings.s3_region,
    )


def redis_link(settings: Settings, metrics: Metrics) -> RedisLink | None:
    """The process's one way to Redis (pool, deadlines, breaker, pub/sub), shared by the
    cache, its single flight and the rate limiter; None when the cache is not in Redis."""
    url = settings.resolved_cache_url
    if not url.startswith(("redis://", "rediss://")):
        return None
    link = RedisLink.from_url(
        url,
        timeout=settings.redis_timeout,
        max_connections=settings.redis_max_connections,
        observer=metrics,
    )
    metrics.watch_redis(lambda: link.available)
    return link


def _origin(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def build_screenshots(settings: Settings, fetcher: SafeFetcher) -> Screenshots | None:
    """The browser that draws pages, or None: off by setting, or no Chromium on this
    machine (start-up says which; a screenshot is then null, never an error)."""
    if not settings.screenshots or settings.backend != "direct":
        return None
    executable = settings.chromium or find_chromium()
    if executable is None:
        log.warning("screenshots off: no Chromium found (install it, or set LINKGRAPH_CHROMIUM)")
        return None
    log.info("screenshots drawn by %s", executable)
    return Screenshots(
        fetcher,
        ScreenshotPolicy(
            executable,
            concurrency=settings.screenshot_concurrency,
            timeout=settings.screenshot_timeout,
        ),
    )


def build_backend(
    settings: Settings,
    fetcher: SafeFetcher,
    media: MediaIngest,
    screenshots: Screenshots | None = None,
) -> Backend:
    """Where previews come from: our own fetcher (the default) or Peekalink's API."""
    if settings.backend == "peekalink":
        require_backend_settings(settings)
        assert settings.peekalink_api_key is not None
        return PeekalinkBackend(
            api_key=settings.peekalink_api_key,
            url=settings.peekalink_url,
            concurrency=settings.peekalink_concurrency,
            timeout=settings.peekalink_timeout,
            retries=settings.peekalink_retries,
            ca_bundle=settings.ca_bundle,
        )
    return DirectBackend(
        fetcher,
        max_html_bytes=settings.max_html_bytes,
        media=media,
        image_limits=ImageLimits(
            max_bytes=settings.max_image_bytes, max_pixels=settings.max_image_pixels
        ),
        max_file_probe_bytes=settings.max_file_probe_bytes,
        max_document_bytes=settings.max_document_bytes,
        isolation=Isolation() if settings.file_pictures else None,
        screenshots=screenshots,
    )


async def keep_within_budgets(media: MediaService, cache: object, interval: float) -> None:
    """The retention loop: a sweep at start-up (crash leftovers, a budget lowered since the
    last run), then one every `interval` seconds. A failing sweep is logged and retried."""
    while True:
        if media.retention is not None:
            try:
                await media.retention.sweep()
            except Exception:
                log.exception("media retention sweep failed")
        if isinstance(cache, SqliteCache):
            try:
                await cache.trim()
            except Exception:
                log.exception("preview cache trim failed")
        await asyncio.sleep(interval)


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def with_public_url(settings: Settings, address: tuple[str, int] | None) -> Settings:
    """`settings` with its public URL filled in, when unset, from the address the server
    was started on (`address`, else uvicorn's command line, else uvicorn's default)."""
    if settings.public_url:
        return settings
    served = address or uvicorn_address() or DEFAULT_ADDRESS
    return settings.model_copy(update={"public_url": public_url(served)})


def create_app(
    settings: Settings | None = None,
    *,
    clock: Callable[[], float] = time.time,
    address: tuple[str, int] | None = None,
) -> FastAPI:
    """`clock` is what the cache's deadlines and the memo of recent entries are read
    against: epoch seconds, moved by hand in tests that check expiry. `address` is the host
    and port the server binds, when the caller starts it (`linkgraph serve`)."""
    given = settings or load_settings()
    settings = with_public_url(given, address)
    # Refused here, naming the variable, rather than inside the first request.
    require_backend_settings(settings)
    # Now, not in the lifespan: uvicorn imports the app before it logs its own start-up, so
    # those lines come out in the same format as the rest.
    configure_logging(settings.log_level, settings.log_format)
    metrics = Metrics()
    link = redis_link(settings, metrics)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        how = "LINKGRAPH_PUBLIC_URL" if given.public_url else "the address served on"
        log.info("media URLs start with %s (from %s)", settings.public_url, how)
        log.info("data directory: %s", settings.data_dir.resolve())
        async with AsyncExitStack() as stack:
            if link is not None:
                # Closed last, after the cache and the service that use it.
                stack.push_async_callback(link.aclose)
            policy = fetch_policy(settings, address or uvicorn_address())
            fetcher = SafeFetcher(policy, observer=metrics)
            stack.push_async_callback(fetcher.aclose)
            store = open_media_store(
                settings.media_url, data_dir=settings.data_dir, credentials=s3_credentials(settings)
            )
            if isinstance(store, S3MediaStore):
                app.state.readiness["media"] = store.ping
            media = build_media_service(
                store=store,
                data_dir=settings.data_dir,
                media_key=settings.media_key.get_secret_value(),
                public_url=settings.public_url,
                fetcher=fetcher,
                limits=ImageLimits(
                    max_bytes=settings.max_image_bytes,
                    max_pixels=settings.max_image_pixels,
                    concurrency=settings.image_concurrency,
                ),
                max_bytes=settings.media_max_bytes,
                # Past the cache's whole lifetime no cached preview names it any more: a
                # refresh stores its images again, which counts as a use.
                orphan_age=settings.cache_ttl + settings.stale_ttl,
                clock=clock,
            )
            stack.push_async_callback(media.aclose)
            app.include_router(media_router(media))
            cache = open_cache(
                settings.resolved_cache_url,
                stale_ttl=settings.stale_ttl,
                clock=clock,
                max_bytes=settings.cache_max_bytes,
                link=link,
            )
            screenshots = build_screenshots(settings, fetcher)
            if screenshots is not None:
                stack.push_async_callback(screenshots.aclose)
            backend = build_backend(settings, fetcher, media, screenshots)
            service = PreviewService(
                backend,
                cache,
                ttl=settings.cache_ttl,
                failure_ttl=settings.failure_ttl,
                transient_failure_ttl=settings.transient_failure_ttl,
                url_policy=policy,
                observer=metrics,
                clock=clock,
                holds_media=media.holds if settings.backend == "direct" else None,
            )
            stack.push_async_callback(service.aclose)
            retention = asyncio.create_task(
                keep_within_budgets(media, cache, settings.retention_interval)
            )
            stack.push_async_callback(_cancel, retention)
            app.state.media = media
            app.state.previews = service
            if link is None:
                app.state.readiness["cache"] = cache.ping
            else:
                # Each process goes on without Redis while it is away: degraded, not unready.
                app.state.degradable["redis"] = link.ping
            yield

    limits = QueryLimits(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        max_tokens=settings.max_query_tokens,
        max_urls=settings.max_urls_per_request,
        introspection=settings.graphiql,
        max_bytes=settings.max_query_bytes,
        document_cache_bytes=settings.document_cache_bytes,
    )
    schema = build_schema(limits)
    # Compiled plans answer the preview queries apps repeat (resolvers/plans.py); kept on the
    # app's state so that tests can see which path answered.
    plans = Plans(schema, max_urls=limits.max_urls)
    graphql = JsonRouter(
        schema,
        planner=plans,
        context_getter=get_context,
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=False,
    )
    # FastAPI's native OpenTelemetry is off: this service exports Prometheus metrics
    # (/metrics) and JSON logs and ships no OpenTelemetry SDK, while with telemetry on FastAPI
    # asks OpenTelemetry's global providers on every request whether anyone is listening
    # (~4 us of a warm answer's ~60 in the app).
    app = FastAPI(
        title="Linkgraph",
        lifespan=lifespan,
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.plans = plans
    # Innermost of all: POST /graphql straight to its endpoint (web/graphql_lane.py).
    app.add_middleware(GraphqlLane, endpoint=graphql.answer_post)
    if settings.persisted_queries_max:
        # Inside the body limit, so a stored query is never longer than it.
        # Nothing over the document limits is stored.
        store = MemoryQueryStore(
            settings.persisted_queries_max, max_bytes=settings.persisted_queries_max_bytes
        )
        app.add_middleware(PersistedQueries, store=store, refusal=document_refusal(limits))
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    # Outermost last: the key check, then the per-client budget, then the body limit.
    app.add_middleware(RateLimit, buckets=rate_buckets(settings, link))
    keys = ApiKeys(read_keys(settings.api_keys, settings.api_keys_file))
    if keys.required:
        # With no keys configured the check would pass every request: no layer at all.
        app.add_middleware(RequireApiKey, keys=keys)
    # Outside the key check: CORS (a preflight carries no key), then request ids, the access
    # line and the HTTP metrics (one layer) around everything, so refusals are counted and
    # tagged too.
    add_cors(app, settings.cors_origins)
    app.state.metrics = metrics
    app.add_middleware(RequestId, record=HttpMetrics(metrics).record)
    # The cache adds its own probe once the lifespan has opened it.
    # (An S3 media store swaps its own probe in when the lifespan opens it.)
    media_dir = settings.data_dir / "media"
    if settings.media_url and not settings.media_url.startswith("s3://"):
        media_dir = Path(settings.media_url.removeprefix("file://"))
    app.state.readiness = {"media": writable_dir_probe(media_dir)}
    if settings.min_free_bytes:
        app.state.readiness["disk"] = free_space_probe(settings.data_dir, settings.min_free_bytes)
    app.state.degradable = {}
    app.include_router(graphql, prefix="/graphql")
    app.include_router(health_router(timeout=settings.ready_timeout))
    app.include_router(metrics_router(metrics))
    app.include_router(graphiql_assets_router())
    app.include_router(card_router(graphiql=settings.graphiql))
    return app


def _app_from_environment() -> FastAPI:
    """The app `uvicorn app:app` serves; a bad setting ends start-up with one line naming it
    (exit status 2, a usage error) rather than a traceback."""
    try:
        return create_app()
    except ConfigurationError as error:
        sys.stderr.write(f"linkgraph: configuration error: {error}\n")
        raise SystemExit(2) from None


def __getattr__(name: str) -> FastAPI:
    """`app`, the app `uvicorn app:app` serves, built when first asked for (PEP 562) rather
    than on import: importing this module for `create_app` (`linkgraph serve`, the CLI, the
    tests) then builds no app of its own from the environment."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    built = _app_from_environment()
    globals()["app"] = built
    return built
