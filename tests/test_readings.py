"""Read once (issue 16): collect keeps what it read in the ledger, merge builds from it.

The merge of a real round (the sample plan, hostile and clumsy returns, a superseded return)
must be the same whether merge uses the stored readings, reads every file again (a ledger
made before readings existed), or reads them again because the reader's version changed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from kehoach_xlsx.cli import main
from kehoach_xlsx.collect import collect_files
from kehoach_xlsx.ledger import Ledger
from kehoach_xlsx.merge import merge_period
from kehoach_xlsx.readings import dump, load, reader_version
from kehoach_xlsx.returns import read_returned_book
from tests.hostile_kit import AS_OF, PERIOD, answer, hostile_kit, make_workspace


@pytest.fixture(scope="module")
def round_(tmp_path_factory):
    root = tmp_path_factory.mktemp("read-once")
    ws, books = make_workspace(root)
    units = sorted(books)
    inbox = root / "nhan-ve"
    hostile_kit(books[units[0]], inbox, units[1])
    answer(books[units[2]], inbox / "20_junk_rows.xlsx", extra_rows=30)
    answer(books[units[3]], inbox / "21_first.xlsx", status="Đang thực hiện")
    collect_files(ws, [inbox])
    # a later return from the same unit supersedes the first (both kept, both listed)
    answer(books[units[3]], root / "22_second.xlsx", status="Đã hoàn thành")
    collect_files(ws, [root / "22_second.xlsx"])
    return ws


def merged(ws: Path) -> tuple[dict, list, object, int]:
    """merge --json as printed, the ledger's answers, the report's data, files read again."""
    read_again = []
    result = merge_period(
        ws, PERIOD, date.fromisoformat(AS_OF), progress=lambda *step: read_again.append(step)
    )
    cli = CliRunner().invoke(
        main, ["merge", str(ws), "--period", PERIOD, "--as-of", AS_OF, "--json"]
    )
    assert cli.exit_code in (0, 1) and "Traceback" not in cli.output, cli.output
    with Ledger(ws / "kehoach.sqlite") as ledger:
        answers = ledger.answers(PERIOD)
    return json.loads(cli.stdout), answers, result.report, len(read_again)


def stored_readings(ws: Path) -> dict[str, str]:
    with sqlite3.connect(ws / "kehoach.sqlite") as conn:
        return dict(conn.execute("SELECT sha256, reader FROM readings"))


def test_merge_is_the_same_from_stored_readings_and_from_the_files(round_):
    ws = round_
    with sqlite3.connect(ws / "kehoach.sqlite") as conn:
        accepted = {
            sha
            for (sha,) in conn.execute(
                "SELECT sha256 FROM receipts WHERE state IN ('accepted', 'superseded')"
            )
        }
    assert len(accepted) >= 8 and set(stored_readings(ws)) == accepted
    stored = merged(ws)
    assert stored[3] == 0  # nothing read again
    # a ledger made before readings existed: every file is read again, and kept
    with sqlite3.connect(ws / "kehoach.sqlite") as conn:
        conn.execute("DELETE FROM readings")
    fresh = merged(ws)
    assert fresh[3] == len(accepted)
    assert set(stored_readings(ws)) == accepted
    # another reader version: read again, kept under the current one
    with sqlite3.connect(ws / "kehoach.sqlite") as conn:
        conn.execute("UPDATE readings SET reader = '0/cu'")
    bumped = merged(ws)
    assert bumped[3] == len(accepted)
    assert set(stored_readings(ws).values()) == {reader_version()}
    assert stored[:3] == fresh[:3] == bumped[:3]
    data = stored[0]
    assert data["summary"]["superseded"] >= 2 and data["summary"]["identity_conflict"] >= 1
    assert any("unknown_row" in i["flags"] for i in data["items"])
    assert any(w for f in data["files"] for w in f["warnings"])


def test_a_reading_survives_the_round_trip(round_):
    ws = round_
    with sqlite3.connect(ws / "kehoach.sqlite") as conn:
        paths = [
            ws / p
            for (p,) in conn.execute(
                "SELECT stored_path FROM receipts WHERE state IN ('accepted', 'superseded')"
            )
        ]
    books = [read_returned_book(p) for p in paths]  # accepted: known to be harmless
    assert any(b.warnings for b in books) and any(r.problems for b in books for r in b.rows)
    for book in books:
        blob = dump(book)
        assert blob is not None and load(blob, book.path) == book
    assert load(b"not a blob", "x.xlsx") is None


def test_a_stored_copy_changed_on_disk_is_a_warning(tmp_path):
    ws, books = make_workspace(tmp_path)
    unit = sorted(books)[0]
    inbox = tmp_path / "nhan-ve"
    inbox.mkdir()
    answer(books[unit], inbox / "tra-ve.xlsx", status="Đang thực hiện")
    collect_files(ws, [inbox])
    with Ledger(ws / "kehoach.sqlite") as ledger:
        (receipt,) = ledger.receipts(PERIOD)
    stored = ws / receipt.stored_path
    os.chmod(stored, stat.S_IWUSR | stat.S_IRUSR)
    answer(books[unit], stored, status="Đã hoàn thành")  # someone edited the evidence
    for _ in range(2):  # and it stays said: a reading of other bytes is never kept
        data = merged(ws)[0]
        (file,) = data["files"]
        assert any("stored_copy_changed" in w for w in file["warnings"]), file
        mine = [i for i in data["items"] if i["unit"] == unit]
        assert mine and all(i["status"] == "done" for i in mine)
    # what was read from the received bytes is kept as it was, never what is on disk now
    with Ledger(ws / "kehoach.sqlite") as ledger:
        kept = ledger.readings([receipt.sha256])[receipt.sha256]
    first = load(kept[1], str(stored))
    assert first is not None and first.sha256 == receipt.sha256
    assert {r.status for r in first.rows if r.task_id} == {"in_progress"}


def test_a_ledger_from_before_readings_is_upgraded_in_place(tmp_path):
    ws, books = make_workspace(tmp_path)
    inbox = tmp_path / "nhan-ve"
    inbox.mkdir()
    for unit in sorted(books)[:3]:
        answer(books[unit], inbox / f"{unit}.xlsx")
    collect_files(ws, [inbox])
    before = merged(ws)
    with sqlite3.connect(ws / "kehoach.sqlite") as conn:  # the ledger as main made it
        conn.executescript(
            "DROP TABLE readings; DROP INDEX receipts_seq; DROP INDEX receipts_unit;"
        )
    after = merged(ws)
    assert after[3] == 3 and before[:3] == after[:3]
    assert len(stored_readings(ws)) == 3
