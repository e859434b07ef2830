#!/usr/bin/env bash
# Renders every shipped scenario brief and overview twice in one run: with the loop people write by hand
# (papermill, then `jupyter nbconvert --no-input`, one brief at a time) and with
# `make briefs` from an empty output folder; then re-runs `make briefs` with nothing changed.
# Targets: make briefs at least 5x faster than the loop; the unchanged re-run under 1 s.
set -euo pipefail
cd "$(dirname "$0")/.."
make --quiet .venv/.installed >/dev/null
bin=.venv/bin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ids=$($bin/python -c 'import analysis; print(" ".join(analysis.scenario_ids()))')
overviews=$($bin/python -c 'from analysis.render import NOTEBOOKS, REPORTS
print(" ".join(r for r in REPORTS if (NOTEBOOKS / f"{r}.ipynb").exists()))')

now() { date +%s.%N; }
calc() { "$bin/python" -c "print($1)"; }

start=$(now)
for id in $ids; do
  $bin/papermill --no-progress-bar --cwd notebooks notebooks/02_scenario.ipynb \
    "$work/$id.ipynb" -p scenario "$id" >/dev/null 2>&1
  $bin/jupyter nbconvert --to html --no-input "$work/$id.ipynb" --output-dir "$work" >/dev/null 2>&1
done
for name in $overviews; do  # make briefs renders the overview notebooks too
  $bin/papermill --no-progress-bar --cwd notebooks "notebooks/$name.ipynb" "$work/$name.ipynb" >/dev/null 2>&1
  $bin/jupyter nbconvert --to html --no-input "$work/$name.ipynb" --output-dir "$work" >/dev/null 2>&1
done
naive=$(calc "$(now) - $start")

rm -rf rendered
start=$(now)
make --quiet briefs >/dev/null 2>&1
cold=$(calc "$(now) - $start")

start=$(now)
make --quiet briefs >/dev/null 2>&1
warm=$(calc "$(now) - $start")

count=$(echo "$ids $overviews" | wc -w)
printf 'briefs: %d\n' "$count"
printf 'naive loop (papermill + nbconvert CLI): %6.1f s (%.1f s per brief)\n' "$naive" "$(calc "$naive / $count")"
printf 'make briefs, cold:                      %6.1f s\n' "$cold"
printf 'make briefs, nothing changed:           %6.2f s (target < 1 s)\n' "$warm"
printf 'speed-up cold: %.1fx (target >= 5x)\n' "$(calc "$naive / $cold")"
