"""The HTTP entry point: `uvicorn app:app` serves GraphQL at /graphql.

Importing this module only builds the FastAPI object; the fetcher, cache and media store are
opened in the lifespan, so importing it (tests, `strawberry export-schema`) touches no files.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from urllib.parse import urlsplit

from fastapi import FastAPI
from strawberry.fastapi import GraphQLRouter

from fetching import FetchPolicy, SafeFetcher
from media import ImageLimits, build_media_service, media_router
from previews.direct import DirectBackend
from previews.service import PreviewService
from previews.sqlite_cache import SqliteCache
from resolvers.context import get_context
from schema import QueryLimits, build_schema
from settings import Settings
from web.body_limit import BodyLimit


def fetch_policy(settings: Settings) -> FetchPolicy:
    return FetchPolicy(
        hosts_file=settings.hosts_file,
        allow_networks=settings.allowed_networks,
        ca_bundle=settings.ca_bundle,
        total_timeout=settings.fetch_timeout,
        connect_timeout=settings.connect_timeout,
        dns_timeout=settings.dns_timeout,
        max_redirects=settings.max_redirects,
        user_agent=settings.user_agent,
        self_origins=(_origin(settings.public_url),),
        concurrency=settings.fetch_concurrency,
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            policy = fetch_policy(settings)
            fetcher = SafeFetcher(policy)
            stack.push_async_callback(fetcher.aclose)
            media = build_media_service(
                data_dir=settings.data_dir,
                media_key=settings.media_key,
                public_url=settings.public_url,
                fetcher=fetcher,
                limits=ImageLimits(
                    max_bytes=settings.max_image_bytes,
                    max_pixels=settings.max_image_pixels,
                    concurrency=settings.image_concurrency,
                ),
            )
            stack.push_async_callback(media.aclose)
            app.include_router(media_router(media))
            cache = SqliteCache.from_url(settings.resolved_cache_url)
            backend = DirectBackend(fetcher, max_html_bytes=settings.max_html_bytes, media=media)
            service = PreviewService(
                backend,
                cache,
                ttl=settings.cache_ttl,
                failure_ttl=settings.failure_ttl,
                url_policy=policy,
            )
            stack.push_async_callback(service.aclose)
            app.state.previews = service
            yield

    app = FastAPI(title="Linkgraph", lifespan=lifespan)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    limits = QueryLimits(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        max_tokens=settings.max_query_tokens,
        max_urls=settings.max_urls_per_request,
        introspection=settings.graphiql,
    )
    graphql = GraphQLRouter(
        build_schema(limits),
        context_getter=get_context,
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=False,
    )
    app.include_router(graphql, prefix="/graphql")
    return app


app = create_app()
