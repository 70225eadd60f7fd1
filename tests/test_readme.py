"""What the README promises a newcomer, held to the code (issue 17, items 12 and 15)."""

from __future__ import annotations

import re
from pathlib import Path

from settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_has_a_row_in_the_settings_table() -> None:
    missing = [
        name for name in Settings.model_fields if f"| `LINKGRAPH_{name.upper()}` |" not in README
    ]
    assert not missing


def test_curl_examples_select_the_error_so_a_failure_prints_something() -> None:
    commands = re.findall(r"curl -s .*?(?=\n```)", README, flags=re.DOTALL)
    previews = [command for command in commands if "preview(url:" in command]
    assert previews, "the README shows curl calling preview"
    for command in previews:
        assert "... on PreviewError { code message }" in command, command


def test_refresh_preview_has_its_own_section() -> None:
    assert "## Refreshing a preview (`refreshPreview`)" in README
    assert "linkgraph preview --refresh" in README
