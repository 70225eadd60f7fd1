"""Players: the iframe a client may show for a link, and nothing else of an embed's markup.

An oEmbed answer's `html` is markup from elsewhere (scripts, blockquotes, widgets), so it is
never passed on (D6). What is kept is one URL, the player's iframe `src`, and only when its
host is one the provider is known to serve players from: for the platforms below, their
player hosts; for any other page that declares oEmbed, a host of the link's own site. Where
a platform's oEmbed answer has no iframe (X, TikTok, Reddit and Instagram answer with a
blockquote and a script), the player's address is built from the link itself, on the same
hosts. The iframe handed to clients is written here: sandboxed, lazy, with a fixed `allow`
list, whatever the provider's markup said.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final
from urllib.parse import parse_qs, quote, urlsplit

from extraction.oembed import OEmbed
from model.record import Embed

SANDBOX: Final = "allow-scripts allow-same-origin allow-popups allow-presentation"
ALLOW: Final = "autoplay; encrypted-media; fullscreen; picture-in-picture"


@dataclass(frozen=True, slots=True)
class PlayerProvider:
    name: str
    sites: frozenset[str]  # registrable domains whose links this provider plays
    player_hosts: frozenset[str]
    from_link: Callable[[str], str | None]  # the player's URL built from the link, if it can be
    width: int | None = None  # the player's usual size, when its oEmbed answer gives none
    height: int | None = None


def _path_match(pattern: str) -> Callable[[str], re.Match[str] | None]:
    compiled = re.compile(pattern)

    def match(url: str) -> re.Match[str] | None:
        return compiled.match(urlsplit(url).path)

    return match


def _youtube(url: str) -> str | None:
    parts = urlsplit(url)
    video: str | None = None
    if parts.hostname == "youtu.be":
        video = parts.path.strip("/").split("/")[0]
    elif parts.path == "/watch":
        video = (parse_qs(parts.query).get("v") or [""])[0]
    elif found := re.match(r"/(?:shorts|live|embed)/([^/]+)", parts.path):
        video = found.group(1)
    if video and re.fullmatch(r"[A-Za-z0-9_-]{6,20}", video):
        return f"https://www.youtube.com/embed/{video}"
    return None


def _built(pattern: str, template: str) -> Callable[[str], str | None]:
    match = _path_match(pattern)

    def build(url: str) -> str | None:
        found = match(url)
        return (
            template.format(*(quote(group, safe="") for group in found.groups())) if found else None
        )

    return build


PROVIDERS: Final = (
    PlayerProvider(
        "YouTube",
        frozenset({"youtube.com", "youtu.be", "youtube-nocookie.com"}),
        frozenset({"www.youtube.com", "youtube.com", "www.youtube-nocookie.com"}),
        _youtube,
        560,
        315,
    ),
    PlayerProvider(
        "Vimeo",
        frozenset({"vimeo.com"}),
        frozenset({"player.vimeo.com"}),
        _built(r"^/(?:channels/[^/]+/)?(\d+)/?$", "https://player.vimeo.com/video/{}"),
        640,
        360,
    ),
    PlayerProvider(
        "TikTok",
        frozenset({"tiktok.com"}),
        frozenset({"www.tiktok.com"}),
        _built(r"^/@[^/]+/video/(\d+)", "https://www.tiktok.com/embed/v2/{}"),
        325,
        575,
    ),
    PlayerProvider(
        "X",
        frozenset({"x.com", "twitter.com"}),
        frozenset({"platform.twitter.com"}),
        _built(r"^/[^/]+/status/(\d+)", "https://platform.twitter.com/embed/Tweet.html?id={}"),
    ),
    PlayerProvider(
        "Instagram",
        frozenset({"instagram.com"}),
        frozenset({"www.instagram.com"}),
        _built(
            r"^/(?:[^/]+/)?(p|reel|tv)/([A-Za-z0-9_-]+)", "https://www.instagram.com/{}/{}/embed/"
        ),
    ),
    PlayerProvider(
        "Reddit",
        frozenset({"reddit.com"}),
        frozenset({"embed.reddit.com", "www.redditmedia.com"}),
        _built(
            r"^/r/([A-Za-z0-9_]+)/comments/([a-z0-9]+)",
            "https://embed.reddit.com/r/{}/comments/{}/",
        ),
    ),
    PlayerProvider(
        "Spotify",
        frozenset({"spotify.com"}),
        frozenset({"open.spotify.com"}),
        _built(
            r"^/(?:intl-[a-z-]+/)?(track|album|playlist|episode|show|artist)/([A-Za-z0-9]+)",
            "https://open.spotify.com/embed/{}/{}",
        ),
        300,
        380,
    ),
    PlayerProvider(
        "SoundCloud",
        frozenset({"soundcloud.com"}),
        frozenset({"w.soundcloud.com"}),
        lambda _: None,  # its player takes the track's API URL, which only oEmbed gives
        None,
        166,
    ),
)
_BY_SITE: Final = {site: provider for provider in PROVIDERS for site in provider.sites}


def find_embed(link_url: str, site: str, oembed: OEmbed | None) -> Embed | None:
    """The player for a link on `site` (its registrable domain), or None.

    Its URL is the oEmbed answer's iframe `src` if that is on an allowed host, else the one
    built from the link; its size the oEmbed answer's, else the provider's usual one.
    """
    provider = _BY_SITE.get(site)
    hosts = provider.player_hosts if provider else None
    candidates = [oembed.player_url if oembed else None]
    if provider:
        candidates.append(provider.from_link(link_url))
    player = next((url for url in candidates if url and _allowed(url, site, hosts)), None)
    if player is None:
        return None
    width = (oembed.width if oembed else None) or (provider.width if provider else None)
    height = (oembed.height if oembed else None) or (provider.height if provider else None)
    name = provider.name if provider else ((oembed.provider_name if oembed else None) or site)
    return Embed(
        url=player,
        html=iframe(player, name, width, height),
        provider=name,
        width=width,
        height=height,
        aspect_ratio=round(width / height, 4) if width and height else None,
    )


def iframe(url: str, title: str, width: int | None, height: int | None) -> str:
    size = "".join(
        f' {name}="{value}"' for name, value in (("width", width), ("height", height)) if value
    )
    src, name = html.escape(url, quote=True), html.escape(title, quote=True)
    return (
        f'<iframe src="{src}"{size} title="{name}"'
        f' sandbox="{SANDBOX}" allow="{ALLOW}" allowfullscreen loading="lazy"'
        ' referrerpolicy="strict-origin-when-cross-origin" style="border:0"></iframe>'
    )


def _allowed(url: str, site: str, hosts: frozenset[str] | None) -> bool:
    """HTTPS only, on the provider's player hosts; for a provider this module does not know,
    on the link's own site."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or parts.username or parts.password:
        return False
    if hosts is not None:
        return host in hosts
    return host == site or host.endswith("." + site)
