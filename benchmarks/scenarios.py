"""Time loading the World and measuring every shipped scenario (`make bench`).

Target: loading data/ plus measuring all scenarios, with findings, in under 1 s on one core,
so that a brief's analysis is a small part of its rendering time.
"""

from timing import best_of, line  # noqa: E402  (benchmarks/ is on the path)

import analysis

TARGET_SECONDS = 1.0
#: What a brief reads of each result beyond its values.
TABLES = ("findings", "balance", "exposure", "isolation", "positions", "arms")


def main() -> int:
    load = best_of(5, analysis.load_world)
    world = analysis.load_world()
    ids = analysis.scenario_ids(world)

    def run_all() -> None:
        for ident in ids:
            result = analysis.run(analysis.load_scenario(ident, world), world)
            # the findings and the tables behind the values are computed when first read
            for table in TABLES:
                getattr(result, table)

    runs = best_of(5, run_all)
    total = load + runs
    print(f"# load_world: {1000 * load:.0f} ms; run {len(ids)} scenarios: {1000 * runs:.0f} ms")
    what = f"load data/ and run all {len(ids)} scenarios with findings"
    ok = total < TARGET_SECONDS
    print(line(what, f"< {1000 * TARGET_SECONDS:.0f} ms", f"{1000 * total:.0f} ms", ok))
    return 0 if total < TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
