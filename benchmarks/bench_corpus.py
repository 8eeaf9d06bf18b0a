"""Plan reading measured: task counts on the seed plans and scores on the real-plan corpus.

For the seeds, the number of tasks read against the expected counts (002 → 57, 001 → 34,
003 → 5, 004 → 21, 000 + 002 → 57). For `../shared/corpus`, the same per-plan figures as
`score.py` (task precision/recall/F1, share of matched tasks with the right lead,
coordinating units and deadline text), computed in-process with score.py's own matching, and
the parse time of each plan beside a bare read of its bytes (for a PDF, beside poppler's
`pdftotext`, the reader this project used before). Run:

    .venv/bin/python benchmarks/bench_corpus.py [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from kehoach_xlsx import read_plan

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus"
EXPECTED = (("002",), 57), (("001",), 34), (("003",), 5), (("004",), 21), (("000", "002"), 57)


def best_of(repeat: int, function) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def seed_rows(repeat: int) -> list[dict]:
    rows = []
    for prefixes, expected in EXPECTED:
        paths = [next(SEEDS.glob(f"{prefix}_*.txt")) for prefix in prefixes]
        seconds, plan = best_of(repeat, lambda paths=paths: read_plan(*paths))
        rows.append(
            {
                "plan": "+".join(prefixes),
                "expected": expected,
                "tasks": len(plan.tasks),
                "seconds": round(seconds, 4),
            }
        )
    return rows


def load_score():
    spec = importlib.util.spec_from_file_location("corpus_score", CORPUS / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bare_read(path: Path) -> float:
    """Seconds for the floor every reader pays: the bytes, or poppler's text for a PDF."""
    tool = shutil.which("pdftotext")
    if path.suffix == ".pdf" and tool:
        started = time.perf_counter()
        subprocess.run([tool, "-layout", str(path), "-"], capture_output=True, check=False)
        return time.perf_counter() - started
    started = time.perf_counter()
    path.read_bytes().decode("utf-8", errors="replace").splitlines()
    return time.perf_counter() - started


def corpus_rows(repeat: int) -> tuple[list[dict], dict]:
    score = load_score()
    rows = []
    for gold_path in sorted(CORPUS.glob("*.gold.json")):
        base = str(gold_path)[: -len(".gold.json")]
        source = next(
            Path(base + ext)
            for ext in (".pdf", ".docx", ".xlsx", ".txt")
            if Path(base + ext).exists()
        )
        gold = json.loads(gold_path.read_text(encoding="utf-8"))["tasks"]
        seconds, plan = best_of(repeat, lambda source=source: read_plan(source))
        predicted = [task.to_dict() for task in plan.tasks]
        pairs = score.match(predicted, gold)
        rows.append(
            {
                "file": source.name,
                "gold": len(gold),
                "parsed": len(predicted),
                "tp": len(pairs),
                "fp": len(predicted) - len(pairs),
                "fn": len(gold) - len(pairs),
                "lead_ok": sum(
                    score.units(g.get("lead")) == score.units(t.get("lead")) for g, t in pairs
                ),
                "coordinate_ok": sum(
                    score.units(g.get("coordinate")) == score.units(t.get("coordinate"))
                    for g, t in pairs
                ),
                "deadline_ok": sum(
                    score.norm(g.get("deadline_text")) == score.norm(t.get("deadline_text"))
                    for g, t in pairs
                ),
                "seconds": round(seconds, 4),
                "bare_seconds": round(bare_read(source), 4),
            }
        )
    keys = ("gold", "parsed", "tp", "fp", "fn", "lead_ok", "coordinate_ok", "deadline_ok")
    total = {key: sum(row[key] for row in rows) for key in keys}
    tp = max(total["tp"], 1)
    summary = {
        "f1": round(score.f1(total["tp"], total["fp"], total["fn"]), 3),
        "precision": round(total["tp"] / max(total["tp"] + total["fp"], 1), 3),
        "recall": round(total["tp"] / max(total["tp"] + total["fn"], 1), 3),
        "lead": round(total["lead_ok"] / tp, 3),
        "coordinate": round(total["coordinate_ok"] / tp, 3),
        "deadline": round(total["deadline_ok"] / tp, 3),
        "gold_tasks": total["gold"],
    }
    return rows, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="one JSON object instead of tables")
    args = parser.parse_args()
    if not SEEDS.is_dir() or not CORPUS.is_dir():
        sys.exit(f"KHÔNG CÓ {SEEDS} hoặc {CORPUS}: không đo được.")
    seeds = seed_rows(args.repeat)
    rows, summary = corpus_rows(args.repeat)
    if args.json:
        print(json.dumps({"seeds": seeds, "corpus": rows, "summary": summary}, indent=1))
        return
    print(f"{'seed':<10}{'expected':>9}{'tasks':>7}{'ms':>9}")
    for row in seeds:
        mark = "" if row["tasks"] == row["expected"] else "  ← KHÁC"
        print(
            f"{row['plan']:<10}{row['expected']:>9}{row['tasks']:>7}{row['seconds'] * 1000:>9.1f}{mark}"
        )
    print()
    print(
        f"{'corpus plan':<44}{'gold':>5}{'parsed':>7}{'F1':>6}{'lead':>7}{'coord':>7}{'dl':>7}"
        f"{'ms':>8}{'bare ms':>9}{'ratio':>7}"
    )
    score = load_score()
    for row in rows:
        f1 = score.f1(row["tp"], row["fp"], row["fn"])
        tp = row["tp"]
        ratio = row["seconds"] / row["bare_seconds"] if row["bare_seconds"] else 0.0
        print(
            f"{row['file'][:43]:<44}{row['gold']:>5}{row['parsed']:>7}{f1:>6.2f}"
            f"{row['lead_ok']:>4}/{tp:<2}{row['coordinate_ok']:>4}/{tp:<2}{row['deadline_ok']:>4}/{tp:<2}"
            f"{row['seconds'] * 1000:>8.1f}{row['bare_seconds'] * 1000:>9.1f}{ratio:>7.0f}"
        )
    print("total: " + "  ".join(f"{key} {value}" for key, value in summary.items()))


if __name__ == "__main__":
    main()
