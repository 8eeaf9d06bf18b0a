"""A good return mutated at random (seeded): truncations, attribute values replaced by huge
numbers, parts deleted, swapped or garbled. One collect + merge over all mutants and the good
return sorted last: both exit 0 or 1, the good return is merged, every mutant is either read
(for its own unit, or flagged) or named with a reason, memory stays under 1 GB and nothing
is written outside the workspace.
"""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

import pytest

from tests.hostile_kit import AS_OF, PERIOD, answer, kehoach, make_workspace, members, write_zip
from tests.test_hostile import MEMORY_CEILING_MB, snapshot

SEED = 12
CASES = 64
HUGE = [b"2147483647", b"4294967296", b"99999999999999999999", b"-1", b"1048576", b"0"]
_NUMBER_ATTR = re.compile(rb'(\s[\w:]+=")(\d+)(")')
_REF_ATTR = re.compile(rb'(\s(?:r|ref|spans|sqref)=")([^"]*)(")')


def mutate(good: bytes, parts: dict[str, bytes], rng: random.Random) -> bytes | dict | list:
    """One random hostile change: raw bytes for a cut file, else the new zip's parts."""
    kind = rng.choice(["truncate", "number", "ref", "delete", "swap", "garble", "duplicate"])
    names = list(parts)
    if kind == "truncate":
        return good[: rng.randrange(0, len(good))]
    new = dict(parts)
    name = rng.choice(names)
    if kind == "number":
        xml = [n for n in names if n.endswith(".xml")]
        name = rng.choice(xml)
        hits = list(_NUMBER_ATTR.finditer(new[name]))
        for hit in rng.sample(hits, min(len(hits), rng.randint(1, 4))):
            value = rng.choice(HUGE)
            new[name] = new[name].replace(hit.group(0), hit.group(1) + value + hit.group(3), 1)
    elif kind == "ref":
        sheets = [n for n in names if n.startswith("xl/worksheets/")]
        name = rng.choice(sheets)
        hits = list(_REF_ATTR.finditer(new[name]))
        for hit in rng.sample(hits, min(len(hits), rng.randint(1, 3))):
            far = rng.choice([b"XFD1048576", b"A1048576", b"A1:XFD1048576", b"1:16384", b"ZZZZ9"])
            new[name] = new[name].replace(hit.group(0), hit.group(1) + far + hit.group(3), 1)
    elif kind == "delete":
        del new[name]
    elif kind == "swap":
        other = rng.choice(names)
        new[name], new[other] = parts[other], parts[name]
    elif kind == "garble":
        data = bytearray(new[name])
        for _ in range(rng.randint(1, 20)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        new[name] = bytes(data)
    else:
        return [*new.items(), (name, parts[name])]
    return new


@pytest.fixture(scope="module")
def fuzz_round(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    ws, books = make_workspace(root)
    unit = sorted(books)[0]
    inbox = root / "nhan-ve"
    inbox.mkdir()
    good = answer(books[unit], root / "good.xlsx", status="Đang thực hiện")
    base = books[unit]
    data, parts = base.read_bytes(), members(base)
    rng = random.Random(SEED)
    for index in range(CASES):
        target = inbox / f"m{index:03d}.xlsx"
        change = mutate(data, parts, rng)
        if isinstance(change, bytes):
            target.write_bytes(change)
        else:
            write_zip(target, change)
    (inbox / "zz_good.xlsx").write_bytes(good.read_bytes())
    before = snapshot(root, ws)
    collect = kehoach("collect", ws, inbox, "--json", cwd=root)
    merge = kehoach("merge", ws, "--period", PERIOD, "--as-of", AS_OF, "--json", cwd=root)
    return unit, collect, merge, (before, snapshot(root, ws))


def test_mutants_never_stop_the_round(fuzz_round):
    unit, collect, merge, (before, after) = fuzz_round
    for run in (collect, merge):
        assert run.code in (0, 1), run.err[-2000:]
        assert "Traceback" not in run.err + run.out
        assert run.memory and run.peak_mb <= MEMORY_CEILING_MB, run.memory
    files = collect.json()["files"]
    assert len(files) == CASES + 1
    for item in files:
        if item["state"] == "rejected":
            assert item["message"].strip(), item
        elif item["state"] in ("accepted", "superseded"):
            # read: counted for the unit it was made for, or flagged for a person to check
            assert item["unit"] == unit or "identity_conflict" in item["flags"], item
        else:
            assert item["state"] == "duplicate", item
    good = next(f for f in files if f["original"] == "zz_good.xlsx")
    assert good["state"] == "accepted" and good["unit"] == unit
    merged = merge.json()
    mine = [i for i in merged["items"] if i["unit"] == unit]
    assert mine and all(i["status"] == "in_progress" for i in mine)
    assert after == before


def test_mutations_are_varied(tmp_path: Path) -> None:
    """The fuzz covers every kind of change (a test of the test)."""
    book = tmp_path / "b.xlsx"
    with zipfile.ZipFile(book, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b'<x><row r="1" spans="1:2"/></x>')
        archive.writestr("xl/sharedStrings.xml", b'<sst count="1" uniqueCount="1"/>')
    rng = random.Random(SEED)
    kinds = set()
    for _ in range(CASES):
        change = mutate(book.read_bytes(), members(book), rng)
        kinds.add(type(change).__name__)
    assert kinds == {"bytes", "dict", "list"}
