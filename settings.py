"""Every knob of the service, read once from `LINKGRAPH_*` environment variables.

The defaults are the embedded, single-machine setup: SQLite under the user's data directory,
direct fetching, GraphiQL on. The README's settings table mirrors this class; keep them in step.
"""

from __future__ import annotations

import ipaddress
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

import platformdirs
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    FilePath,
    SecretStr,
    ValidationError,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _split_commas(value: object) -> object:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


def _check_networks(value: tuple[str, ...]) -> tuple[str, ...]:
    for cidr in value:
        ipaddress.ip_network(cidr, strict=False)
    return value


# The shapes settings come in, each validated in one place. A list is written
# comma-separated in its variable (NoDecode: not as JSON), blanks dropped.
CommaList = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_split_commas)]
NetworkList = Annotated[CommaList, AfterValidator(_check_networks)]
# Secrets given comma-separated: each held as a SecretStr, so no repr, log line or error
# message shows one.
SecretList = Annotated[tuple[SecretStr, ...], NoDecode, BeforeValidator(_split_commas)]
# A base URL that other URLs are built on, kept without its trailing slash.
BaseUrl = Annotated[str, AfterValidator(lambda value: value.rstrip("/"))]


def _check_cache_url(value: str) -> str:
    if value and not value.startswith(("sqlite:///", "redis://", "rediss://")):
        raise ValueError("expected sqlite:///path, redis://host:port/db or rediss://…")
    return value


def _check_media_url(value: str) -> str:
    if value.startswith("s3://") and not value.removeprefix("s3://").split("/")[0]:
        raise ValueError("expected s3://bucket/prefix")
    if "://" in value and not value.startswith(("s3://", "file://")):
        raise ValueError("expected a directory, file:///path or s3://bucket/prefix")
    return value


# One place whatever directory a command runs in, so the CLI and the server share one cache
# and one media key (a relative `./data` gave each working directory its own).
DEFAULT_DATA_DIR = Path(platformdirs.user_data_dir("linkgraph", appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LINKGRAPH_", extra="ignore", frozen=True)

    data_dir: Path = Field(
        default=DEFAULT_DATA_DIR,
        description="Where the SQLite cache, the media store and the media key live; by "
        "default the platform's user data directory (`~/.local/share/linkgraph` on Linux).",
    )
    cache_url: Annotated[str, AfterValidator(_check_cache_url)] = Field(
        default="",
        description="Preview cache: `sqlite:///path/to/file.sqlite3`. Empty means "
        "`sqlite:///<data_dir>/cache.sqlite3`.",
    )
    cache_ttl: int = Field(default=86_400, gt=0, description="Seconds a preview stays fresh.")
    failure_ttl: int = Field(
        default=900,
        gt=0,
        description="Seconds a permanent failure (404, 410, blocked, invalid, unreadable) "
        "is remembered, so that a broken link is not fetched again on every request.",
    )
    transient_failure_ttl: int = Field(
        default=60,
        gt=0,
        description="Seconds a transient failure (DNS, connection, timeout, 5xx) is "
        "remembered: short, since the link may work a minute later.",
    )
    public_url: BaseUrl = Field(
        default="",
        description="Where clients reach this service; media URLs are built from it and "
        "links pointing at it are refused. Empty: the address the server was started on "
        "(uvicorn's or `linkgraph serve`'s --host/--port), logged at start-up.",
    )
    hosts_file: FilePath | None = Field(
        default=None, description="A hosts(5) file consulted before DNS by the fetcher."
    )
    allow_networks: NetworkList = Field(
        default=(),
        description="Comma-separated CIDRs exempt from the private-address block "
        "(cloud metadata addresses stay blocked).",
    )
    ca_bundle: FilePath | None = Field(
        default=None, description="Extra PEM certificates trusted besides the system's."
    )
    fetch_timeout: float = Field(
        default=10.0, gt=0, description="Total seconds one fetch may take, redirects included."
    )
    fetch_queue_timeout: float = Field(
        default=60.0,
        gt=0,
        description="Seconds a link may wait for a fetch slot before its fetch starts; a link "
        "still waiting then answers LINK_TOOK_TOO_LONG. Its deadline is this plus "
        "fetch_timeout.",
    )
    connect_timeout: float = Field(default=5.0, gt=0, description="Seconds to connect.")
    dns_timeout: float = Field(default=5.0, gt=0, description="Seconds to resolve a host.")
    max_html_bytes: int = Field(
        default=5 * 1024 * 1024, gt=0, description="Decoded bytes of a page read at most."
    )
    max_file_probe_bytes: int = Field(
        default=256 * 1024,
        gt=0,
        description="Bytes of a linked video or audio file read at most: its head, where the "
        "container's header is; the rest is never downloaded.",
    )
    max_document_bytes: int = Field(
        default=10 * 1024 * 1024,
        gt=0,
        description="Bytes of a linked document (PDF, Office, OpenDocument) read at most.",
    )
    file_pictures: bool = Field(
        default=True,
        description="Make pictures of files: a video's poster and snapshots, an audio file's "
        "waveform, a PDF's cover and first pages (decoded in a child process with time and "
        "memory bounds). Off: files keep their metadata only.",
    )
    screenshots: bool = Field(
        default=True,
        description="Draw pages with a headless Chromium when an operation selects a "
        "screenshot (or the image of a page that has none). Off, or without a browser, a "
        "screenshot is null.",
    )
    chromium: str | None = Field(
        default=None,
        description="The Chromium executable for screenshots; unset: the first of chromium, "
        "chromium-browser, google-chrome on PATH.",
    )
    screenshot_timeout: float = Field(
        default=15.0, gt=0, description="Seconds one screenshot may take, page load included."
    )
    screenshot_concurrency: int = Field(
        default=2, gt=0, description="Screenshots drawn at once, per process."
    )
    max_redirects: int = Field(default=5, ge=0, le=20, description="Redirect hops followed.")
    fetch_concurrency: int = Field(
        default=16,
        gt=0,
        description="Upstream fetches of links in flight at once, per process; their pages' "
        "sub-fetches (icons, images, oEmbed) have as many slots again.",
    )
    fetch_client_share: int = Field(
        default=0,
        ge=0,
        description="Fetch slots one client's links may hold at once, so that one client's "
        "slow links cannot starve the others; 0: half of fetch_concurrency (at least 1).",
    )

    @property
    def client_fetch_slots(self) -> int:
        share = self.fetch_client_share or self.fetch_concurrency // 2
        return max(1, min(share, self.fetch_concurrency))

    user_agent: str = Field(
        default="Mozilla/5.0 (compatible; Linkgraph/0.1; +https://github.com/linkgraph)",
        description="User-Agent sent upstream.",
    )
    graphiql: bool = Field(
        default=True,
        description="Serve the GraphiQL IDE at /graphql and answer introspection; turn off "
        "for a public deployment.",
    )
    max_query_depth: int = Field(default=10, gt=0, description="Deepest selection allowed.")
    max_aliases: int = Field(
        default=20, gt=0, description="Aliases per document, counted after fragment expansion."
    )
    max_query_tokens: int = Field(default=2_000, gt=0, description="Tokens per document.")
    max_query_bytes: int = Field(
        default=32 * 1024,
        gt=0,
        description="Bytes of one GraphQL document, comments included, accepted at most.",
    )
    document_cache_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=0,
        description="Bytes (estimated) the parsed and validated documents of a process may "
        "hold; least recently used go first.",
    )
    max_urls_per_request: int = Field(
        default=50, gt=0, description="Distinct links one request may name (checked first)."
    )
    max_body_bytes: int = Field(
        default=256 * 1024, gt=0, description="Bytes of a request body accepted at most."
    )
    media_key: SecretStr = Field(
        default=SecretStr(""),
        description="HMAC key signing media URLs; generated and kept in "
        "`<data_dir>/media.key` when unset. Set the same value on every instance.",
    )
    max_image_bytes: int = Field(
        default=10 * 1024 * 1024, gt=0, description="Bytes of one image or icon read at most."
    )
    max_image_pixels: int = Field(
        default=32_000_000,
        gt=0,
        description="Pixels (width x height, from the header) an image may have to be decoded.",
    )
    image_concurrency: int = Field(
        default=2, gt=0, description="Images decoded and resized at once, per process."
    )
    # Where media live and how much of it is kept (media/stores.py, media/retention.py).
    media_url: Annotated[str, AfterValidator(_check_media_url)] = Field(
        default="",
        description="Media store: empty for `<data_dir>/media`, a directory path, or "
        "`s3://bucket/prefix` for an S3-compatible bucket shared by several machines.",
    )
    s3_endpoint: str | None = Field(
        default=None,
        description="The S3 API's URL (MinIO, SeaweedFS, R2, ...); unset: AWS's own.",
    )
    s3_access_key_id: str | None = Field(
        default=None, description="S3 access key; unset: boto3's usual chain (env, profile)."
    )
    s3_secret_access_key: SecretStr | None = Field(
        default=None, description="S3 secret key; never logged."
    )
    s3_region: str = Field(default="us-east-1", description="S3 region the bucket is in.")
    media_max_bytes: int = Field(
        default=5 * 1024**3,
        ge=0,
        description="Bytes the media store may hold; past it the least recently served media "
        "are removed (to 90%). 0: no budget.",
    )
    cache_max_bytes: int = Field(
        default=1024**3,
        ge=0,
        description="Bytes the SQLite cache file may hold; past it the least recently served "
        "previews are removed (to 90%). 0: no budget.",
    )
    retention_interval: float = Field(
        default=300.0,
        gt=0,
        description="Seconds between retention sweeps (media and cache budgets, orphans, "
        "crash leftovers).",
    )
    min_free_bytes: int = Field(
        default=256 * 1024**2,
        ge=0,
        description="Free bytes on the data directory's filesystem below which /readyz says "
        "not ready; 0 turns the check off.",
    )

    @cached_property
    def allowed_networks(self) -> tuple[Network, ...]:
        return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in self.allow_networks)

    @cached_property
    def resolved_cache_url(self) -> str:
        return self.cache_url or f"sqlite:///{self.data_dir / 'cache.sqlite3'}"

    # API keys and rate limits (web/keys.py, web/rate_limit.py, fetching/host_limit.py).
    api_keys: SecretList = Field(
        default=(),
        description="Comma-separated API keys; when any key is set (here or in the file), "
        "/graphql requires `Authorization: Bearer <key>`. None: the service is open.",
    )
    api_keys_file: FilePath | None = Field(
        default=None, description="A file of API keys, one per line, `#` comments allowed."
    )
    rate_capacity: int = Field(
        default=1000, gt=0, description="Points in each key's (or address's) bucket at most."
    )
    rate_refill: float = Field(default=10.0, gt=0, description="Points refilled per second.")
    rate_fetch_cost: int = Field(
        default=10, ge=0, description="Points per distinct link the cache could not serve."
    )
    rate_hit_cost: int = Field(
        default=1, ge=0, description="Points per distinct link served from the cache."
    )
    rate_document_cost: int = Field(
        default=1,
        ge=0,
        description="Points per whole KiB of a document the process parses for the first time.",
    )
    host_rate: float = Field(
        default=10.0, gt=0, description="Fetches per second to one destination site."
    )
    host_burst: int = Field(
        default=20, gt=0, description="Fetches to one destination site allowed in a burst."
    )

    stale_ttl: int = Field(
        default=7 * 86_400,
        ge=0,
        description="Seconds a preview past its fresh time is still served (and refreshed in "
        "the background); 0 turns stale-while-revalidate off.",
    )

    # Operating it: logs, CORS, persisted queries, readiness (web/).
    log_level: str = Field(
        default="INFO",
        pattern="^(?i)(DEBUG|INFO|WARNING|ERROR|CRITICAL)$",
        description="Lowest level logged.",
    )
    log_format: Literal["auto", "json", "text"] = Field(
        default="auto",
        description="`json`: one JSON object per line on stderr, with request_id; `text`: "
        "one readable line per record; `auto`: text on a terminal, JSON otherwise.",
    )
    cors_origins: CommaList = Field(
        default=(),
        description="Comma-separated origins browsers may call from (`*` for any); empty "
        "sends no CORS headers.",
    )
    persisted_queries_max: int = Field(
        default=10_000,
        ge=0,
        description="Automatic persisted queries remembered per process (LRU); 0 turns "
        "persisted queries off.",
    )
    redis_timeout: float = Field(
        default=1.0,
        gt=0,
        description="Seconds one Redis call may take, its wait for a pooled connection and "
        "its one retry included; a call that times out, or three that fail in a row, and "
        "the process goes on without Redis until it answers a ping again.",
    )
    redis_max_connections: int = Field(
        default=32,
        gt=1,
        description="Redis connections per process at most (one of them is the pub/sub "
        "connection every waiting link shares); a call waits for a free one.",
    )
    persisted_queries_max_bytes: int = Field(
        default=16 * 1024 * 1024,
        gt=0,
        description="Bytes of persisted query text remembered per process at most (LRU).",
    )
    ready_timeout: float = Field(
        default=2.0, gt=0, description="Seconds each /readyz dependency check may take."
    )

    # Where previews come from (app.py's build_backend; previews/peekalink/).
    backend: Literal["direct", "peekalink"] = Field(
        default="direct",
        description="`direct`: fetch and read pages here; `peekalink`: ask Peekalink's API.",
    )
    peekalink_api_key: SecretStr | None = Field(
        default=None, description="Peekalink API key; required when backend is `peekalink`."
    )
    peekalink_url: str = Field(
        default="https://api.peekalink.io/",
        description="Peekalink's API endpoint; `https://` unless peekalink_allow_http is set, "
        "since every call carries the API key.",
    )
    peekalink_allow_http: bool = Field(
        default=False,
        description="Allow an `http://` LINKGRAPH_PEEKALINK_URL (a local stand-in), which "
        "sends the API key in clear.",
    )
    peekalink_concurrency: int = Field(
        default=8, gt=0, description="Peekalink API calls in flight at once, per process."
    )
    peekalink_timeout: float = Field(
        default=30.0,
        gt=0,
        description="Total seconds one link may take over Peekalink, retries and waits included.",
    )
    peekalink_retries: int = Field(
        default=3,
        ge=0,
        description="Retries after Peekalink's 429/503 (rate or burst limit) before giving up.",
    )

    @model_validator(mode="after")
    def _require_peekalink_key(self) -> Settings:
        require_backend_settings(self)
        return self


class MissingSettingError(ValueError):
    """A setting the chosen configuration cannot start without."""


def require_backend_settings(settings: Settings) -> None:
    """Refuse to start over Peekalink without a key, naming the variable, rather than
    failing later inside every request. Also called by create_app, since a settings copy
    made with `model_copy` skips validation."""
    key = settings.peekalink_api_key
    if settings.backend == "peekalink" and (key is None or not key.get_secret_value()):
        raise MissingSettingError(
            "LINKGRAPH_PEEKALINK_API_KEY must be set when LINKGRAPH_BACKEND=peekalink."
        )
    scheme = settings.peekalink_url.partition("://")[0].lower()
    if (
        settings.backend == "peekalink"
        and scheme != "https"
        and not (scheme == "http" and settings.peekalink_allow_http)
    ):
        raise MissingSettingError(
            f"LINKGRAPH_PEEKALINK_URL={settings.peekalink_url!r} must be an https:// URL "
            "(the API key travels with every call); set LINKGRAPH_PEEKALINK_ALLOW_HTTP=true "
            "for a local stand-in."
        )


class ConfigurationError(ValueError):
    """A setting the service cannot start with, said in one line an operator can act on."""


def load_settings() -> Settings:
    """The settings from the environment, or a ConfigurationError naming each bad variable,
    the value it holds and what it should hold, instead of pydantic's multi-line report."""
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigurationError("; ".join(_explain(e) for e in error.errors())) from None


def _explain(error: Any) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    if not error["loc"]:
        # A rule across settings (the model validator) names its variables itself.
        return message
    variable = f"LINKGRAPH_{str(error['loc'][0]).upper()}"
    return f"{variable}={error['input']!r}: {message[0].lower()}{message[1:]}"
