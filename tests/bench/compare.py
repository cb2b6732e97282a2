"""`make bench-compare A=old.json B=new.json`: ratios of two benchmark runs, case by case."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def load(path: str) -> dict[tuple[str, str], dict[str, Any]]:
    report = json.loads(Path(path).read_text())
    return {(r["case"], r["who"]): r for r in report["results"]}


def ratio(a: float | None, b: float | None) -> str:
    if not a or b is None:
        return ""
    return f"{b / a:.2f}×"


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit("usage: compare.py A.json B.json  (ratios are B / A)")
    a, b = load(sys.argv[1]), load(sys.argv[2])
    print(
        f"B / A — A = {sys.argv[1]}, B = {sys.argv[2]} (time ratio < 1 and rps ratio > 1: B faster)"
    )
    print("| case | who | median A | median B | ratio | p95 ratio | rps A | rps B | ratio |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for key in [k for k in a if k in b]:
        x, y = a[key], b[key]
        print(
            f"| {key[0]} | {key[1]} | {x['median_ms']} | {y['median_ms']} | "
            f"{ratio(x['median_ms'], y['median_ms'])} | {ratio(x['p95_ms'], y['p95_ms'])} | "
            f"{x['rps']} | {y['rps']} | {ratio(x['rps'], y['rps'])} |"
        )
    for key in [k for k in a if k not in b] + [k for k in b if k not in a]:
        print(f"| {key[0]} | {key[1]} | only in {'A' if key in a else 'B'} | | | | | | |")


if __name__ == "__main__":
    main()
