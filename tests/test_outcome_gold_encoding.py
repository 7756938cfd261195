"""The outcomes CSV and the gold calls are decoded as an outside transcript is (trust round,
item 6; domain/encoding.py): UTF-8 with or without a byte order mark, UTF-16 with one (Excel's
"Unicode Text", tab-separated), and anything else said with its line, column and byte, never
guessed. Before, a UTF-16 CSV without its mark read as a header of NUL-laced names, a marked
one was "not UTF-8 text", and a gold call in Latin-1 was named by Python's codec message."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.cli_helpers import invoke as cli
from tests.test_gold_calibration import GOLD
from tests.test_outcomes import stored

ROWS = (
    "rep,period_start,metric,value\nRenée,2026-01-05,meetings_booked,4\nben,2026-01-05,csat,4.5\n"
)
SAVE_AS = "save it as UTF-8 (or UTF-16 with a byte order mark)"


def test_outcomes_in_utf8_with_a_mark_and_utf16_unicode_text_are_imported(
    workspace: Path, tmp_path: Path
) -> None:
    marked = tmp_path / "marked.csv"
    marked.write_bytes(ROWS.encode("utf-8-sig"))
    done = cli(workspace, "outcomes", "import", str(marked))
    assert done.exit_code == 0, done.output
    # Excel's "Unicode Text": UTF-16 with its mark, tab-separated, a decimal comma.
    unicode_text = tmp_path / "excel.txt"
    tabbed = ROWS.replace(",", "\t").replace("4.5", "4,5").replace("\t4\n", "\t5\n")
    unicode_text.write_bytes(tabbed.encode("utf-16"))
    done = cli(workspace, "outcomes", "import", str(unicode_text))
    assert done.exit_code == 0, done.output
    assert sorted(stored(workspace)) == [
        ("Renée", "2026-01-05", "meetings_booked", 5.0),
        ("ben", "2026-01-05", "csat", 4.5),
    ]


def test_outcomes_in_another_encoding_are_named_and_nothing_is_imported(
    workspace: Path, tmp_path: Path
) -> None:
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(ROWS.encode("latin-1"))
    bad = cli(workspace, "outcomes", "import", str(latin))
    assert bad.exit_code == 2
    assert f"{latin}: line 2, column 4: not UTF-8 (byte 0xE9); {SAVE_AS}" in bad.output
    unmarked = tmp_path / "utf16.csv"
    unmarked.write_bytes(ROWS.encode("utf-16-le"))  # no byte order mark
    bad = cli(workspace, "outcomes", "import", str(unmarked))
    assert bad.exit_code == 2
    assert f"{unmarked}: line 1, column 2: a NUL byte" in bad.output
    assert "looks like UTF-16 without a byte order mark" in bad.output
    assert "nothing was imported" in bad.output and stored(workspace) == []


def test_gold_calls_are_decoded_as_transcripts_are(workspace: Path) -> None:
    folder = workspace / "gold" / "price-objection"
    shutil.copytree(GOLD / "price-objection", folder)
    strong = (folder / "strong.yaml").read_text("utf-8")
    (folder / "strong.yaml").write_bytes(strong.encode("utf-16"))  # marked: read as it is
    call = strong.replace("kind: strong", "kind: other")
    assert call != strong
    (folder / "latin.yaml").write_bytes(
        call.encode("utf-8").replace(b"\n", b"\n# caf\xe9\n", 1)  # one Latin-1 byte
    )
    result = cli(workspace, "calibrate", "--judge", "offline", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "price-objection/strong" in {c["call"] for c in data["calls"]}
    [problem] = [p for p in data["problems"] if "latin.yaml" in p]
    assert f"{folder / 'latin.yaml'}: line 2, column 6: not UTF-8 (byte 0xE9)" in problem
    assert SAVE_AS in problem and "codec" not in problem
