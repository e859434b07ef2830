"""Time the live explorer headless (`python benchmarks/explorer.py`).

From setting a control's value to the explorer updated, best of 5 changes of each kind
(a position, a bloc, a parameter), from asian-nato; each change is a real one, so the engine
runs every time:

* the numbers (`result`, the headline table and the re-tested findings): under 30 ms. Timed
  as in Jupyter, with an event loop running, so the charts wait for the changes to pause and
  are drawn after the timing (untimed);
* the numbers and the details (the three charts redrawn, who would change sides): under
  250 ms. Timed without an event loop, where everything is done inside the change.

Prints ``what | target | measured | ok/MISSED`` per target and exits non-zero if one is missed.
"""

from __future__ import annotations

import asyncio
import time

from timing import best_of  # benchmarks/ is on the path

import analysis
from analysis.report.explorer import Explorer

REPEATS = 5
#: Label -> (control, two values to alternate between).
CHANGES = {
    "a position (position:KOR)": ("position:KOR", (35, 50)),
    "a bloc (bloc:PHL)": ("bloc:PHL", ("others", "alliance")),
    "a parameter (parameter:arms.reaction_rival)": ("parameter:arms.reaction_rival", (0.2, 0.15)),
}


def change(explorer: Explorer, key: str, values: tuple[object, ...]) -> None:
    """Set the control to the first of `values` it does not hold: always a real change."""
    control = explorer.controls[key]
    control.value = next(v for v in values if v != control.value)


def numbers(explorer: Explorer, key: str, values: tuple[object, ...]) -> float:
    """The shortest time to set the control with an event loop running (the charts wait)."""

    async def changes() -> float:
        best = float("inf")
        for _ in range(REPEATS):
            start = time.perf_counter()
            change(explorer, key, values)
            best = min(best, time.perf_counter() - start)
            await asyncio.sleep(explorer.debounce + 0.2)  # the deferred redraw runs here
        return best

    return asyncio.run(changes())


def everything(explorer: Explorer, key: str, values: tuple[object, ...]) -> float:
    """The shortest time to set the control with no event loop (charts redrawn inside)."""
    return best_of(REPEATS, lambda: change(explorer, key, values))


def main() -> int:
    world = analysis.load_world()
    explorer = analysis.explore("asian-nato", world)
    missed = 0
    print("what | target | measured | ok/MISSED")
    for label, (key, values) in CHANGES.items():
        for what, measure, target in (
            ("numbers", numbers, 0.030),
            ("numbers and charts", everything, 0.250),
        ):
            seconds = measure(explorer, key, values)
            ok = seconds < target
            missed += not ok
            verdict = "ok" if ok else "MISSED"
            print(
                f"explorer, {what} after changing {label} | < {target * 1000:.0f} ms | "
                f"{seconds * 1000:.1f} ms | {verdict}"
            )
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
