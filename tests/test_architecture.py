"""The package's layers: the import rule holds, methods stay pure, and no other indicator list
exists beside the registry."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import analysis

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def test_import_rule_holds():
    """cli -> pipeline -> report -> model -> methods | world, checked by import-linter with
    the contracts in pyproject.toml."""
    done = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_methods_import_no_plotting_and_no_world():
    code = (
        "import sys, analysis.methods; "
        "bad = [m for m in ('matplotlib', 'analysis.world', 'analysis.model') "
        "if m in sys.modules]; "
        "print(bad, file=sys.stderr); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_importing_the_package_loads_no_layer():
    code = (
        "import sys, analysis; sys.exit('pandas' in sys.modules or 'analysis.model' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def _collections_of_keys(tree: ast.AST, keys: set[str]) -> list[list[str]]:
    """Every list, tuple, set or dict literal that holds two or more indicator keys."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            items = node.elts
        elif isinstance(node, ast.Dict):
            items = [k for k in node.keys if k is not None]
        else:
            continue
        named = [i.value for i in items if isinstance(i, ast.Constant) and i.value in keys]
        if len(named) >= 2:
            found.append(named)
    return found


def _quotes_two_keys(text: str, keys: set[str]) -> bool:
    """Whether `text` quotes two or more indicator keys (what a literal of them needs)."""
    return sum(f'"{k}"' in text or f"'{k}'" in text for k in keys) >= 2


def test_the_prefilter_keeps_every_file_a_literal_could_be_in():
    keys = set(analysis.INDICATORS)
    assert _quotes_two_keys("X = ('polarisation', \"position_gap\")", keys)
    assert not _quotes_two_keys('X = ("polarisation",)  # position_gap', keys)


def test_no_other_list_of_indicators_in_the_package():
    """Only the registry lists indicators: no list, tuple, set or dict literal elsewhere in
    analysis/ (or in a notebook) holds two or more indicator keys."""
    keys = set(analysis.INDICATORS)
    registry = ROOT / "analysis" / "model" / "indicators.py"
    offenders = {}
    for path in (ROOT / "analysis").rglob("*.py"):
        text = path.read_text()
        if path == registry or not _quotes_two_keys(text, keys):  # no such literal possible
            continue
        if found := _collections_of_keys(ast.parse(text), keys):
            offenders[str(path.relative_to(ROOT))] = found
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        cells = json.loads(path.read_text())["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        code = "\n".join(line for line in code.splitlines() if not line.startswith("%"))
        if found := _collections_of_keys(ast.parse(code), keys):
            offenders[str(path.relative_to(ROOT))] = found
    assert not offenders, offenders


def test_the_detector_finds_a_list():
    tree = ast.parse('HEADLINE = ("polarisation", "position_gap")')
    assert _collections_of_keys(tree, set(analysis.INDICATORS)) == [
        ["polarisation", "position_gap"]
    ]
