"""Every speed target in one table (`make bench`): runs each benchmark script, collects its
`what | target | measured | ok/MISSED` lines, prints them together, and exits non-zero if a
target is missed (or a script fails)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = (
    "scenarios.py",
    "methods.py",
    "cib_enumeration.py",
    "alignment.py",
    "explorer.py",
    "sweep_vs_ema.py",
    "render.py",
)


def main() -> int:
    start = time.perf_counter()
    rows, failed = [], []
    for script in SCRIPTS:
        done = subprocess.run(
            [sys.executable, str(HERE / script)], cwd=HERE.parent, capture_output=True, text=True
        )
        lines = [x for x in done.stdout.splitlines() if x.count(" | ") == 3]
        found = [x for x in lines if not x.startswith("what | ")]
        rows += found
        print(done.stdout, end="", flush=True)
        if done.returncode != 0 and not any(x.endswith("MISSED") for x in found):
            failed.append(f"{script}: exit {done.returncode}: {done.stderr.strip()[-300:]}")
    print(f"\nwhat | target | measured | ok/MISSED  ({time.perf_counter() - start:.0f} s)")
    print("\n".join(rows))
    for failure in failed:
        print(f"failed {failure}")
    return 1 if failed or any(r.endswith("MISSED") for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
