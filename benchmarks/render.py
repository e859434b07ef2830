"""Rendering against the loop people write by hand (`python benchmarks/render.py`).

The loop: papermill, then `jupyter nbconvert --no-input`, one page at a time. Ours:
`python -m analysis render` into an empty folder. The two sides alternate over rounds and
each keeps its best time (the machine is shared and noisy). Targets:

* the 6 scenario briefs alone: at least 10x faster than the loop;
* every page (briefs and overviews): at least 8x;
* `render` again with nothing changed: under 0.3 s.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import line  # noqa: E402  (benchmarks/ is on the path)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTEBOOKS = ROOT / "notebooks"
ROUNDS = 2
BRIEFS_TARGET, ALL_TARGET, NOTHING_TARGET = 10.0, 8.0, 0.3


def _timed(commands: list[list[str]]) -> float:
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def _loop(pages: list[tuple[str, dict[str, str]]], work: Path) -> float:
    """papermill then nbconvert --no-input, one page at a time."""
    commands = []
    for notebook, parameters in pages:
        executed = work / f"{notebook}.{parameters.get('scenario', 'default')}.ipynb"
        options = [item for k, v in parameters.items() for item in ("-p", k, v)]
        commands.append(
            [str(BIN / "papermill"), "--no-progress-bar", "--cwd", str(NOTEBOOKS),
             str(NOTEBOOKS / f"{notebook}.ipynb"), str(executed), *options]
        )  # fmt: skip
        commands.append(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed),
             "--output-dir", str(work)]
        )  # fmt: skip
    return _timed(commands)


def _ours(arguments: list[str], out: Path) -> float:
    return _timed([[sys.executable, "-m", "analysis", "render", *arguments, "--out", str(out)]])


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from analysis.pipeline.plan import REPORTS

    scenarios = sorted(p.stem for p in (ROOT / "data" / "scenarios").glob("*.yaml"))
    briefs = [("02_scenario", {"scenario": s}) for s in scenarios]
    overviews = [(r, {}) for r in REPORTS if (NOTEBOOKS / f"{r}.ipynb").exists()]
    best = {"loop briefs": float("inf"), "loop all": float("inf")}
    best |= {"ours briefs": float("inf"), "ours all": float("inf"), "nothing": float("inf")}
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as work:
            loop_briefs = _loop(briefs, Path(work))
            loop_all = loop_briefs + _loop(overviews, Path(work))
        with tempfile.TemporaryDirectory() as work:
            ours_briefs = _ours(scenarios, Path(work) / "briefs")
            ours_all = _ours([], Path(work) / "all")
            nothing = min(_ours([], Path(work) / "all") for _ in range(3))
        for key, value in (("loop briefs", loop_briefs), ("loop all", loop_all),
                           ("ours briefs", ours_briefs), ("ours all", ours_all),
                           ("nothing", nothing)):  # fmt: skip
            best[key] = min(best[key], value)
    brief_ratio = best["loop briefs"] / best["ours briefs"]
    all_ratio = best["loop all"] / best["ours all"]
    print(
        f"# loop: {best['loop briefs']:.1f} s for {len(briefs)} briefs "
        f"({best['loop briefs'] / len(briefs):.1f} s each), {best['loop all']:.1f} s for all "
        f"{len(briefs) + len(overviews)} pages; ours: {best['ours briefs']:.1f} s and "
        f"{best['ours all']:.1f} s (best of {ROUNDS} alternated rounds)"
    )
    results = [
        line(f"render the {len(briefs)} scenario briefs vs the loop", f">= {BRIEFS_TARGET:.0f}x",
             f"{brief_ratio:.1f}x", brief_ratio >= BRIEFS_TARGET),
        line(f"render all {len(briefs) + len(overviews)} pages vs the loop",
             f">= {ALL_TARGET:.0f}x", f"{all_ratio:.1f}x", all_ratio >= ALL_TARGET),
        line("render again with nothing changed", f"< {NOTHING_TARGET} s",
             f"{best['nothing']:.2f} s", best["nothing"] < NOTHING_TARGET),
    ]  # fmt: skip
    print("\n".join(results))
    return 1 if any(r.endswith("MISSED") for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
