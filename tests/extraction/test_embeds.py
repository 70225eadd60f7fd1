"""The player allowlist, as pure logic: which iframe addresses an oEmbed answer may hand on."""

from __future__ import annotations

import json

import pytest

from extraction.embeds import find_embed
from extraction.oembed import OEmbed, parse_oembed


def oembed(html: str, width: int | None = 480, height: int | None = 270) -> OEmbed:
    answer = {"version": "1.0", "type": "video", "width": width, "height": height, "html": html}
    body = json.dumps(answer).encode()
    parsed = parse_oembed(body, base_url="https://provider.example/oembed")
    assert parsed is not None
    return parsed


def test_the_provider_iframe_on_its_player_host_is_kept_and_rewritten() -> None:
    answer = oembed(
        '<iframe src="https://www.youtube.com/embed/abcdefghijk?feature=oembed" '
        'onload="steal()"></iframe><script>evil()</script>'
    )
    embed = find_embed("https://www.youtube.com/watch?v=abcdefghijk", "youtube.com", answer)
    assert embed is not None
    assert embed.url == "https://www.youtube.com/embed/abcdefghijk?feature=oembed"
    assert "onload" not in embed.html
    assert "evil" not in embed.html
    assert "&amp;" not in embed.url
    assert (embed.width, embed.height) == (480, 270)
    assert embed.aspect_ratio == pytest.approx(1.7778)


@pytest.mark.parametrize(
    "src",
    [
        "https://evil.example/embed/abcdefghijk",
        "http://www.youtube.com/embed/abcdefghijk",
        "javascript:alert(1)",
        "https://www.youtube.com.evil.example/embed/x",
        "https://user:pw@www.youtube.com/embed/x",
    ],
)
def test_a_foreign_or_unsafe_iframe_falls_back_to_the_players_own_address(src: str) -> None:
    embed = find_embed(
        "https://www.youtube.com/watch?v=abcdefghijk",
        "youtube.com",
        oembed(f'<iframe src="{src}">'),
    )
    assert embed is not None
    assert embed.url == "https://www.youtube.com/embed/abcdefghijk"


def test_any_site_declaring_oembed_may_play_from_its_own_hosts_only() -> None:
    own = oembed('<iframe src="https://player.example.org/v/1"></iframe>')
    assert find_embed("https://www.example.org/v/1", "example.org", own) is not None
    other = oembed('<iframe src="https://cdn.elsewhere.net/v/1"></iframe>')
    assert find_embed("https://www.example.org/v/1", "example.org", other) is None
    assert find_embed("https://www.example.org/v/1", "example.org", None) is None


def test_quotes_in_an_address_cannot_break_out_of_the_iframe() -> None:
    answer = oembed("<iframe src='https://player.example.org/v/1\"onload=\"x'></iframe>")
    embed = find_embed("https://www.example.org/v/1", "example.org", answer)
    assert embed is not None
    assert '"onload="' not in embed.html
    assert "&quot;onload=&quot;x" in embed.html
