"""The HTML export, opened in a real headless browser (Debian's chromium, which scripts/test
installs): the scorecard, the transcript, highlighted evidence and comments are on the page,
and the page needs nothing from the network."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from roleplay.adapters.clock import ManualClock
from tests.helpers import play, services

LINES = [
    "How does a typical morning look for your dispatch team?",
    "What happens when a truck breaks down <script>alert('x')</script> before nine?",
    "Can I send you an invite for next Tuesday at ten?",
]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed; scripts/test installs Debian's chromium")
    pytest.skip("chromium is not installed (scripts/test installs Debian's chromium)")


def dump_dom(html: Path, profile: Path) -> str:
    result = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--dump-dom",
            html.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.slow
def test_the_exported_page_renders_scorecard_transcript_and_comments(
    workspace: Path, tmp_path: Path
) -> None:
    clock = ManualClock()
    s = services(workspace, clock)
    call = s.practice.begin("discovery-spin", s.profile())
    play(call, LINES, clock)
    s.practice.finish(call)
    sid = call.record.id
    s.reviews.comment(sid, "Great open question, keep it", turn=1, author="tina")
    s.reviews.override(sid, "open-questions", 4, "the judge missed the second one")
    page = tmp_path / "session.html"
    page.write_text(s.reviews.export(sid, "html"))

    html = page.read_text()
    # Self-contained: no script, no external stylesheet, image, font or link to fetch.
    assert "<script" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(http" not in html

    dom = dump_dom(page, tmp_path / "profile")
    assert 'id="scorecard"' in dom and 'id="transcript"' in dom
    for c in ("open-questions", "active-listening", "pain-quantification", "next-steps"):
        assert f'id="criterion-{c}"' in dom
    assert dom.count('class="turn rep"') == 3 and dom.count('class="turn customer"') == 4
    assert re.search(
        r"<mark[^>]*>How does a typical morning look for your dispatch team</mark>", dom
    )
    assert "Great open question, keep it" in dom and "the judge missed the second one" in dom
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in dom  # the rep's text stays text
    assert dom.count("<svg") == 2  # the level chart and the KPI chart
    assert "Level per criterion" in dom
