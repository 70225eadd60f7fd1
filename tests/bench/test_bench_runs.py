"""The bench still runs: `python -m bench --quick` prints every section, each with figures.

Benchmarks are not tests, so nothing here looks at how fast anything was; this only catches a
change that breaks a section. CI does not install the bench extra, so there the extraction
section must say that the peers are not installed instead of failing.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SECTIONS = {
    "1": "Warm queries",
    "2": "Cold batch",
    "3": "Extraction alone",
    "4": "Memory",
    "5": "Targets",
}
PEERS = ("linkpreview", "metadata-parser", "extruct")
HEADER = re.compile(r"^== (\d+)\. (.+) ==$", re.MULTILINE)
FIGURE = re.compile(r"\d\.\d")


def sections(table: str) -> dict[str, tuple[str, list[str]]]:
    """Section number → (title, the lines under its header, up to the blank line)."""
    found: dict[str, tuple[str, list[str]]] = {}
    for header in HEADER.finditer(table):
        body = table[header.end() :].lstrip("\n").split("\n\n", 1)[0]
        found[header.group(1)] = (header.group(2), body.splitlines())
    return found


def test_quick_bench_prints_every_section_with_figures(tmp_path: Path) -> None:
    figures = tmp_path / "bench.json"
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--json", str(figures)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr[-5000:]
    found = sections(completed.stdout)

    for number, title in SECTIONS.items():
        assert number in found, f"section {number} ({title}) is missing:\n{completed.stdout}"
        heading, lines = found[number]
        assert heading.startswith(title), heading
        assert not any("FAILED" in line for line in lines), "\n".join(lines)
        rows = [line for line in lines if not line.startswith("  ")]  # notes are indented
        assert any(FIGURE.search(row) for row in rows), "\n".join(lines)

    extraction = "\n".join(found["3"][1])
    for peer in PEERS:
        has_row = any(line.startswith(peer) and FIGURE.search(line) for line in found["3"][1])
        assert has_row or "peers not installed" in extraction, extraction

    targets = found["5"][1][1:]  # under the column headings
    assert len(targets) == 8
    for row in targets:
        assert re.search(r"(PASS|MISS) \(", row) or "n/a (peers not installed)" in row, row

    written = json.loads(figures.read_text())
    assert set(written) >= {"warm", "cold", "extraction", "memory", "targets"}
    assert not written["failed"]
