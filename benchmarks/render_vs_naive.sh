#!/bin/sh
# The render benchmark under the name the speed issue uses: see benchmarks/render.py.
exec "$(dirname "$0")/../.venv/bin/python" "$(dirname "$0")/render.py" "$@"
