"""What Windows users meet, simulated here: legacy console code pages, the spawn start method
from a script without a main guard, LibreOffice outside PATH, paths stored with "\\", and a
return date before the period."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path, PureWindowsPath

import pytest

from kehoach_xlsx import platform as kplatform
from kehoach_xlsx.office import INSTALL_FOLDERS, SOFFICE_ENV, find_soffice
from kehoach_xlsx.workspace import Workspace, stored_path
from tests.ops_plan import finish, kehoach, make_workspace, plan_text


def run_with_encoding(encoding: str, *args: object, out_file: Path) -> tuple[int, str]:
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    env.pop("PYTHONUTF8", None)
    with open(out_file, "wb") as out:
        done = subprocess.run(
            [sys.executable, "-m", "kehoach_xlsx", *map(str, args)],
            stdout=out,
            stderr=subprocess.PIPE,
            env=env,
        )
    return done.returncode, done.stderr.decode("utf-8")


@pytest.mark.parametrize("encoding", ["cp1258", "cp1252", "ascii"])
def test_vietnamese_output_whatever_the_console(tmp_path, encoding):
    plan = tmp_path / "ke-hoach.txt"
    plan.write_text(plan_text(), encoding="utf-8")
    out_file = tmp_path / "out.txt"
    code, err = run_with_encoding(encoding, "parse", plan, out_file=out_file)
    assert code == 0 and "Traceback" not in err, err
    text = out_file.read_bytes().decode("utf-8")  # UTF-8 whatever the code page said
    assert "Hòa Lạc" in text or "hồ sơ lưu trữ" in text
    code, err = run_with_encoding(encoding, "parse", tmp_path / "khong-co.txt", out_file=out_file)
    assert code != 0 and "Traceback" not in err
    assert err.startswith("Cách dùng:") or err.startswith("Lỗi:"), err
    assert "Không có tệp" in err or "không" in err.lower()


SPAWN_SCRIPT = """
import json, multiprocessing, sys
from datetime import date
multiprocessing.set_start_method("spawn")
from kehoach_xlsx.books import split_period
result = split_period(sys.argv[1], "2026-09", date(2026, 10, 5), force=True, processes=2)
print(json.dumps(result.to_dict(result.files[0].path.parents[2])))
"""


def test_split_from_a_plain_script_under_spawn(tmp_path):
    ws = make_workspace(tmp_path, split=False)
    script = tmp_path / "tach.py"  # no `if __name__ == "__main__":` guard, as users write
    script.write_text(SPAWN_SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(ws)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # printed once: workers did not redo the caller's work
    assert len(data["files"]) == 20
    with sqlite3.connect(ws / "kehoach.sqlite") as conn:
        books = conn.execute("SELECT path, workbook_id FROM books WHERE active = 1").fetchall()
    assert len(books) == 20
    for path, workbook_id in books:
        assert "\\" not in path and path.startswith("outgoing/2026-09/")
        with zipfile.ZipFile(ws / path) as book:
            assert workbook_id in book.read("xl/workbook.xml").decode("utf-8")


def test_paths_are_stored_with_slashes_and_read_with_either(tmp_path):
    ws = make_workspace(tmp_path)
    workspace = Workspace.open(ws)
    book = ws / "outgoing" / "2026-09" / "a.xlsx"
    assert workspace.stored(book) == "outgoing/2026-09/a.xlsx"
    assert stored_path(book, ws) == "outgoing/2026-09/a.xlsx"
    assert workspace.path_of("outgoing\\2026-09\\a.xlsx") == book
    # a ledger written on Windows by an older version: split still finds its books
    with sqlite3.connect(ws / "kehoach.sqlite") as conn:
        conn.execute("UPDATE books SET path = replace(path, '/', '\\')")
    code, out, err = finish(kehoach("split", ws, "--period", "2026-09", "--json"))
    assert code == 0, err
    assert all("\\" not in f["path"] for f in json.loads(out)["files"])
    kept = finish(kehoach("split", ws, "--period", "2026-09", "--verbose"))[1]
    assert "(giữ nguyên)" in kept  # one line per unit only with --verbose (20 units here)


def test_due_before_the_period_needs_force(tmp_path):
    ws = make_workspace(tmp_path, split=False)
    args = ("split", ws, "--period", "2026-09", "--due", "2026-08-05")
    code, out, err = finish(kehoach(*args))
    assert code == 2 and "Traceback" not in err
    assert "05/08/2026 sớm hơn ngày bắt đầu kỳ 2026-09 (01/09/2026)" in err and "--force" in err
    assert not list((ws / "outgoing").glob("*/*.xlsx"))  # refused before writing anything
    code, out, err = finish(kehoach(*args, "--force"))
    assert code == 0, err


def test_libreoffice_found_outside_path(tmp_path, monkeypatch):
    program = tmp_path / "Program Files" / "LibreOffice" / "program"
    program.mkdir(parents=True)
    exe = program / "soffice.exe"
    exe.write_bytes(b"MZ")
    monkeypatch.setenv("PATH", str(tmp_path / "trong"))
    monkeypatch.delenv(SOFFICE_ENV, raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("ProgramFiles", str(tmp_path / "Program Files"))  # e.g. on D:
    assert exe in kplatform.soffice_candidates()
    if not any(Path(p).is_file() for p in INSTALL_FOLDERS):  # this machine's own install wins
        assert find_soffice() == str(exe)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert any("LibreOffice.app" in str(p) for p in kplatform.soffice_candidates())
    chosen = tmp_path / "soffice-rieng"
    chosen.write_bytes(b"")
    monkeypatch.setenv(SOFFICE_ENV, str(chosen))
    assert find_soffice() == str(chosen)


def test_profile_urls_are_real_file_urls():
    assert PureWindowsPath("C:/Users/Lan/AppData/Local/Temp/k/profile").as_uri() == (
        "file:///C:/Users/Lan/AppData/Local/Temp/k/profile"
    )
    assert Path("/tmp/thư mục/profile").as_uri() == "file:///tmp/th%C6%B0%20m%E1%BB%A5c/profile"


RTF_PLAN = (
    r"{\rtf1\ansi\deff0{\fonttbl{\f0 Times New Roman;}}\f0 "
    r"K\u7870? HO\u7840?CH\par "
    r"S\u7889? 7/KH-UBND\par "
    r"1. R\u224? so\u225?t h\u7891? s\u417? l\u432?u tr\u7919?\par "
    r"a) Ch\u7911? tr\u236?: V\u259?n ph\u242?ng; th\u7901?i gian: Th\u225?ng 9/2026\par }"
)


@pytest.mark.slow
def test_office_conversion_with_spaces_and_accents_in_the_temp_folder(tmp_path, monkeypatch):
    if find_soffice() is None:
        pytest.skip("không có LibreOffice")
    from kehoach_xlsx.parse.loaders import convert_with_office

    temp = tmp_path / "thư mục tạm"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    source = tmp_path / "ke-hoach.rtf"
    source.write_text(RTF_PLAN, encoding="ascii")
    converted = convert_with_office(source, "docx")
    assert converted.is_relative_to(temp) and converted.stat().st_size > 0
    assert (converted.parent / "profile").is_dir()  # the profile went where the URL said
