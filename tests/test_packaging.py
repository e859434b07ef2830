"""pyproject.toml and environment.yml install the same, version-bounded set of packages."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _split(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def test_environment_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(
        _split(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]
    )
    env = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    conda = [d for d in env if isinstance(d, str) and not d.startswith(("python", "pip"))]
    pip = next(d["pip"] for d in env if isinstance(d, dict))
    assert "-e ." in pip  # conda users get the project itself too
    declared = dict(_split(d) for d in conda + [p for p in pip if p != "-e ."])
    assert declared == wanted
    assert all(spec.startswith(">=") and ",<" in spec for spec in wanted.values())


def test_core_packages_are_declared():
    names = {
        _split(r)[0]
        for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    }
    assert {
        "pandas",
        "numpy",
        "scipy",
        "seaborn",
        "matplotlib",
        "papermill",
        "nbconvert",
        "nbclient",
        "ipykernel",
        "jupyterlab",
        "pydantic",
        "pyyaml",
    } <= names


def test_wheel_carries_every_package_and_template(tmp_path):
    """`pip install .` gets the whole package: every layer and every export template."""
    import subprocess
    import sys
    import zipfile

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    source = ROOT / "analysis"
    expected = {
        str(p.relative_to(ROOT))
        for p in source.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".py", ".j2", ".json")
    }
    assert expected <= names, sorted(expected - names)
    assert "analysis/pipeline/templates/brief/index.html.j2" in names
