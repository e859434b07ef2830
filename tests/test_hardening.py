"""Issue 15: malformed and hostile inputs. One test (or a few) per class of bad input the issue
lists; each failed before the reading boundary, the limits and the CLI's error mapping were
wired in (a traceback, a hang, a silent acceptance, or a many-line message).

The CLI's contract: a bad input is ONE line on stderr, `error: <file>: <place>: <message>`,
exit status 2, no traceback; a bug is one line and exit status 3, and `--debug` shows the full
traceback.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

import analysis
from analysis import cli
from analysis.cli import main
from analysis.errors import DataError, ScenarioError
from analysis.model import cross_impact, sampling
from analysis.world import apply, scenario_from_mapping
from analysis.world.scenario import MAX_ENTRIES, MAX_TRADE_SHOCKS

MINIMAL = {"title": "T", "summary": "S", "architecture": 50, "alliance": {"add": ["USA"]}}


def scenario_file(folder: Path, ident: str = "bad", **fields: object) -> Path:
    path = folder / f"{ident}.yaml"
    path.write_text(yaml.safe_dump({"id": ident, **MINIMAL, **fields}, allow_unicode=True))
    return path


def cli_run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m analysis ARGS` in a fresh interpreter: what a user sees."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def one_error_line(stderr: str, *fragments: str) -> str:
    """stderr is exactly one `error:` line holding every fragment, and no traceback."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in lines[0], stderr
    return lines[0]


def check_cli(capsys: pytest.CaptureFixture[str], argv: list[str], *fragments: str) -> str:
    """In-process `main(argv)` returns 2 and prints one error line with `fragments`."""
    assert main(argv) == 2
    return one_error_line(capsys.readouterr().err, *fragments)


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail a test if a sweep or a render starts: the checks must come before any work."""
    started: list[str] = []

    def refuse(name: str):
        def fake(*args: object, **kwargs: object) -> object:
            started.append(name)
            raise AssertionError(f"{name} started although the options are invalid")

        return fake

    monkeypatch.setattr(sampling, "sweep", refuse("sweep"))
    import analysis.pipeline.render as render_module

    monkeypatch.setattr(render_module, "render", refuse("render"))
    return started


# --------------------------------------------------------------------------- file reading


def test_scenario_file_not_utf8_is_one_line(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_bytes("id: bad\ntitle: Caf\xe9\n".encode("latin-1"))
    line = check_cli(capsys, ["run", str(path)], str(path), "line 2", "not UTF-8")
    assert "byte 0xe9" in line


def test_binary_scenario_file_is_one_line(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    check_cli(capsys, ["run", str(path)], str(path), "binary content")


def test_data_file_not_utf8_names_the_line(data_copy):
    path = data_copy / "facts.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    lines[3] = lines[3].replace(b"Correlates", "Corr\xe9lates".encode("latin-1"), 1)
    path.write_bytes(b"".join(lines))
    with pytest.raises(DataError) as caught:
        analysis.load_world(data_copy)
    assert caught.value.path == str(path)
    assert caught.value.where.startswith("line 4, column ")
    assert "not UTF-8" in caught.value.message


def test_binary_data_file_is_refused(data_copy):
    path = data_copy / "trade.csv"
    path.write_bytes(path.read_bytes() + b"\x00\x01\x02")
    with pytest.raises(DataError, match="binary content"):
        analysis.load_world(data_copy)


def test_empty_csv_is_refused(data_copy, capsys):
    (data_copy / "trade.csv").write_text("")
    check_cli(
        capsys,
        ["--data", str(data_copy), "validate"],
        f"{data_copy / 'trade.csv'}: the file is empty",
    )


def test_csv_with_unterminated_quote_names_the_line(data_copy):
    path = data_copy / "facts.csv"
    text = path.read_text()
    path.write_text(text + 'AUS,gdp_usd,"1\n')
    line = len(text.splitlines()) + 1
    with pytest.raises(DataError) as caught:
        analysis.load_world(data_copy)
    assert caught.value.where == f"line {line}"
    assert "unterminated quoted field" in caught.value.message


def test_csv_row_with_too_many_fields_names_the_line(data_copy):
    path = data_copy / "judgements.csv"
    lines = path.read_text().splitlines()
    lines[2] += ",extra"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError) as caught:
        analysis.load_world(data_copy)
    assert caught.value.where == "line 3"
    assert "expected 7 fields" in caught.value.message


def test_scenario_path_that_is_a_directory(tmp_path, capsys):
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    check_cli(capsys, ["run", str(folder)], str(folder), "is a directory")


def test_data_file_that_is_a_directory(data_copy):
    (data_copy / "facts.csv").unlink()
    (data_copy / "facts.csv").mkdir()
    with pytest.raises(DataError, match="facts.csv: is a directory"):
        analysis.load_world(data_copy)


def test_data_folder_that_does_not_exist(tmp_path, capsys):
    check_cli(capsys, ["--data", str(tmp_path / "nowhere"), "validate"], "no such data folder")


@pytest.mark.parametrize("command", ["render", "sweep"])
def test_out_under_a_file_fails_before_any_work(tmp_path, capsys, no_work, command):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    if command == "render":
        argv = ["render", "status-quo", "--out", str(blocker / "site")]
    else:
        argv = ["sweep", "status-quo", "--draws", "10", "--out", str(blocker / "s.parquet")]
    check_cli(capsys, argv, "--out", f"under {blocker}: it is a file")
    assert not no_work


def test_out_that_is_a_file_or_a_folder_of_the_wrong_kind(tmp_path, capsys, no_work):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    check_cli(capsys, ["render", "--out", str(blocker)], "is a file; expected a folder")
    check_cli(
        capsys, ["sweep", "status-quo", "--out", str(tmp_path)], "is a folder; expected a file"
    )
    assert not no_work


def test_out_in_a_read_only_folder_fails_before_any_work(tmp_path, capsys, no_work):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user (root) who can write into a read-only folder")
        check_cli(capsys, ["render", "--out", str(locked / "site")], "permission denied")
        check_cli(
            capsys,
            ["sweep", "status-quo", "--draws", "10", "--out", str(locked / "s.parquet")],
            "permission denied",
        )
    finally:
        locked.chmod(0o700)
    assert not no_work


def test_sweep_out_in_a_new_folder_is_created(tmp_path, capsys):
    out = tmp_path / "new" / "deeper" / "sweep.parquet"
    assert main(["sweep", "status-quo", "--draws", "16", "--out", str(out)]) == 0
    assert out.is_file()
    assert sampling.load(out).shape[0] == 16


# --------------------------------------------------------------------------- YAML


def test_duplicate_key_in_a_scenario_names_key_and_both_lines(tmp_path, capsys):
    path = tmp_path / "dup.yaml"
    path.write_text(
        "id: dup\ntitle: T\nsummary: S\narchitecture: 50\n"
        "parameters:\n  trade.disruption_factor: 0.1\n  trade.disruption_factor: 0.4\n"
    )
    check_cli(
        capsys,
        ["run", str(path)],
        f"{path}: line 7, column 3: duplicate key 'trade.disruption_factor' (lines 6 and 7)",
    )


def test_duplicate_key_in_data_yaml_is_refused(data_copy):
    path = data_copy / "alignment.yaml"
    path.write_text(path.read_text() + "size: gdp_usd\n")
    with pytest.raises(DataError, match=r"duplicate key 'size' \(lines \d+ and \d+\)"):
        analysis.load_world(data_copy)


def test_duplicate_key_in_a_cross_impact_matrix_is_refused(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(cross_impact.matrix_path("asia_security").read_text() + "impacts: []\n")
    with pytest.raises(DataError, match=r"duplicate key 'impacts' \(lines \d+ and \d+\)"):
        cross_impact.load_matrix(path)


def test_deeply_nested_yaml_is_one_line(tmp_path, capsys):
    path = tmp_path / "deep.yaml"
    path.write_text("id: deep\nsummary: " + "[" * 50_000 + "]" * 50_000 + "\n")
    check_cli(capsys, ["run", str(path)], "line 2", "nested more than 32 levels deep")


def test_deeply_nested_matrix_is_refused(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("descriptors: " + "[" * 50_000 + "]" * 50_000 + "\n")
    with pytest.raises(DataError, match="nested more than 32 levels"):
        cross_impact.load_matrix(path)


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        ("id: bad\ntitle: 'never closed\nsummary: S\n", ["line 2", "unterminated quoted"]),
        ("id: bad\n  title: T\n", ["line 2", "unexpected ':'"]),
        ("id: bad\ntitle: !!python/object/apply:os.system ['true']\n", ["line 2", "not allowed"]),
        ("id: bad\ntitle: !!binary aGVsbG8=\n", ["line 2", "the tag '!!binary' is not allowed"]),
    ],
)
def test_yaml_syntax_errors_and_tags_are_one_line(tmp_path, capsys, content, fragments):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    check_cli(capsys, ["run", str(path)], str(path), *fragments)


def test_matrix_syntax_error_is_one_line(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("descriptors:\n  - name: [unclosed\n")
    with pytest.raises(DataError) as caught:
        cross_impact.load_matrix(path)
    assert "\n" not in str(caught.value)
    assert caught.value.where.startswith("line ")


def test_oversized_scenario_file_is_refused(tmp_path, capsys):
    path = tmp_path / "big.yaml"
    path.write_text("id: big\nsummary: '" + "x" * (1024 * 1024) + "'\n")
    check_cli(capsys, ["run", str(path)], "the limit is 1,048,576")


# --------------------------------------------------------------------------- numbers


NAN_CASES = {
    "uniform .nan": {"uniform": [".nan", 0.2]},
    "uniform 'nan'": {"uniform": ["nan", 0.2]},
    "triangular inf": {"triangular": [0.1, "inf", 0.2]},
    "normal sd nan": {"normal": {"mean": 0.1, "sd": "nan", "low": 0.05, "high": 0.2}},
    "normal mean -inf": {"normal": {"mean": "-inf", "sd": 1, "low": 0.05, "high": 0.2}},
}


@pytest.mark.parametrize("dist", NAN_CASES.values(), ids=list(NAN_CASES))
def test_nan_and_inf_in_uncertainty_are_refused_in_files(tmp_path, world, dist):
    raw = {"trade.disruption_factor": {**dist, "rationale": "r"}}
    text = yaml.safe_dump({"id": "bad", **MINIMAL, "uncertainty": raw})
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace("'.nan'", ".nan"))  # a real YAML NaN as well as text
    with pytest.raises(ScenarioError) as caught:
        analysis.load_scenario(path, world)
    assert "finite number" in caught.value.message
    assert caught.value.where.startswith(("field 'uncertainty.trade.disruption_factor", "line "))


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_and_inf_in_uncertainty_are_refused_in_memory(world, bad):
    """The same through `scenario_from_mapping`, where no YAML reader stands in between."""
    for dist in (
        {"uniform": [bad, 0.2]},
        {"triangular": [0.05, bad, 0.2]},
        {"normal": {"mean": 0.1, "sd": bad, "low": 0.05, "high": 0.2}},
    ):
        raw = {"id": "x", **MINIMAL, "uncertainty": {"trade.disruption_factor": dist}}
        with pytest.raises(ScenarioError, match="Input should be a finite number"):
            scenario_from_mapping(raw, world)
    weights = {"choice": ["alliance", "others"], "weights": [bad, 1.0]}
    with pytest.raises(ScenarioError, match="finite number"):
        scenario_from_mapping({"id": "x", **MINIMAL, "uncertainty": {"bloc.KOR": weights}}, world)


def test_nan_in_a_scenario_field_is_refused(world):
    for field, value in (("architecture", math.nan), ("parameters", {"arms.fatigue_rival": "inf"})):
        with pytest.raises(ScenarioError, match="finite number"):
            scenario_from_mapping({"id": "x", **MINIMAL, field: value}, world)


@pytest.mark.parametrize(("column", "value"), [("low", "-inf"), ("high", "inf"), ("value", "nan")])
def test_nan_and_inf_in_data_rows_are_refused(data_copy, column, value):
    import csv

    path = data_copy / "parameters.csv"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0][column] = value
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(DataError) as caught:
        analysis.load_world(data_copy)
    assert caught.value.where == f"line 2, column '{column}'"
    assert "finite number" in caught.value.message


# --------------------------------------------------------------------------- extends


def test_missing_parent_names_the_child_file_and_field(tmp_path, world, capsys):
    path = scenario_file(tmp_path, "child", extends="xyz")
    with pytest.raises(ScenarioError) as caught:
        analysis.load_scenario(path, world)
    assert caught.value.path == str(path)
    assert caught.value.where == "field 'extends'"
    shipped = world.data_dir / "scenarios"
    assert caught.value.message == f"no scenario 'xyz' (looked in {tmp_path} and {shipped})"
    check_cli(capsys, ["run", str(path)], f"{path}: field 'extends': no scenario 'xyz'")


def test_missing_grandparent_names_the_parent(tmp_path, world):
    scenario_file(tmp_path, "parent", extends="nowhere")
    child = scenario_file(tmp_path, "child", extends="parent")
    with pytest.raises(ScenarioError) as caught:
        analysis.load_scenario(child, world)
    assert caught.value.path == str(tmp_path / "parent.yaml")
    assert caught.value.where == "field 'extends'"


def test_missing_parent_of_an_in_memory_scenario(world):
    with pytest.raises(ScenarioError, match="field 'extends': no scenario 'xyz'"):
        scenario_from_mapping({"id": "mem", **MINIMAL, "extends": "xyz"}, world)


# --------------------------------------------------------------------------- sizes and options


def test_draws_beyond_the_memory_budget_are_refused_before_sampling(capsys, no_work):
    line = check_cli(capsys, ["sweep", "asian-nato", "--draws", "200000000"], "--draws")
    assert "200,000,000 draws of asian-nato need about" in line
    assert "over the budget of 2 GiB (--max-memory)" in line
    most = sampling.max_draws(analysis.load_scenario("asian-nato"), analysis.load_world(), 2**31)
    assert f"which allows at most {most:,} draws" in line  # ~2 million: 12 inputs, 16 actors
    check_cli(capsys, ["sweep", "asian-nato", "--draws", "10000000000"], "TiB of memory")
    assert not no_work


def test_max_memory_raises_the_limit(monkeypatch, capsys):
    seen: dict[str, object] = {}

    def fake_sweep(scenario, world, draws, seed, **kwargs):
        seen.update(draws=draws, **kwargs)
        raise KeyboardInterrupt  # stop here: the options were accepted

    monkeypatch.setattr(sampling, "sweep", fake_sweep)
    argv = ["sweep", "asian-nato", "--draws", "200000000", "--max-memory", "1TiB"]
    assert main(argv) == 130
    assert capsys.readouterr().err == "error: interrupted\n"
    assert seen["draws"] == 200_000_000
    assert sampling.MIN_CHUNK <= seen["chunk"] <= sampling.CHUNK
    check_cli(
        capsys,
        ["sweep", "asian-nato", "--draws", "2000000", "--max-memory", "512MiB"],
        "budget of 512 MiB",
    )


def test_max_memory_option_syntax(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["sweep", "asian-nato", "--max-memory", "lots"])
    assert caught.value.code == 2
    assert "expected a size such as 4GiB" in capsys.readouterr().err
    assert cli._memory("4GiB") == 4 * 2**30
    assert cli._memory("512mib") == 512 * 2**20
    assert cli._memory("1.5G") == 3 * 2**29


def test_memory_estimate_is_documented_in_help(capsys):
    with pytest.raises(SystemExit):
        main(["sweep", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--max-memory" in text and "default 2GiB" in text
    assert "at most what fits in --max-memory" in text


def test_memory_estimate_grows_with_draws_and_fits_the_budget(world):
    scenario = analysis.load_scenario("asian-nato", world)
    budget = 2 * 2**30
    most = sampling.max_draws(scenario, world, budget)
    assert 1_000_000 < most < 3_000_000
    assert sampling.fit_chunk(scenario, world, most, budget) == sampling.MIN_CHUNK
    assert sampling.fit_chunk(scenario, world, most + 1, budget) is None
    assert sampling.fit_chunk(scenario, world, 10_000, budget) == sampling.CHUNK
    small, large = (sampling.sweep_bytes(scenario, world, n) for n in (10, 10**6))
    assert small < large


@pytest.mark.parametrize("jobs", ["0", "-2", "two"])
def test_jobs_must_be_at_least_one(tmp_path, capsys, no_work, jobs):
    with pytest.raises(SystemExit) as caught:
        main(["render", "status-quo", "--out", str(tmp_path / "site"), "--jobs", jobs])
    assert caught.value.code == 2
    assert "argument --jobs:" in capsys.readouterr().err
    assert not no_work


def test_draws_must_be_at_least_one(capsys, no_work):
    with pytest.raises(SystemExit) as caught:
        main(["sweep", "asian-nato", "--draws", "0"])
    assert caught.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err


def test_trade_shock_between_one_actor_twice_is_refused(world):
    shock = {"between": ["PRK", "PRK"], "factor": 0.5, "rationale": "r"}
    with pytest.raises(ScenarioError) as caught:
        scenario_from_mapping({"id": "x", **MINIMAL, "trade_shocks": [shock]}, world)
    assert caught.value.where == "field 'trade_shocks.0.between'"
    assert caught.value.message == "a shock needs two different actors, got 'PRK' twice"


def test_too_many_trade_shocks_are_refused_by_the_limit(world):
    shock = {"between": ["PRK", "CHN"], "factor": 0.5, "rationale": "r"}
    raw = {"id": "x", **MINIMAL, "trade_shocks": [shock] * (MAX_TRADE_SHOCKS + 1)}
    with pytest.raises(ScenarioError) as caught:
        scenario_from_mapping(raw, world)
    assert caught.value.where == "field 'trade_shocks'"
    assert caught.value.message == "100,001 entries; at most 100,000 are allowed (the limit)"


def test_too_many_entries_in_other_lists_are_refused(world):
    raw = {"id": "x", **MINIMAL, "claims": ["cn-containment"] * (MAX_ENTRIES + 1)}
    with pytest.raises(ScenarioError, match="at most 1,000 are allowed"):
        scenario_from_mapping(raw, world)


def test_a_hundred_thousand_trade_shocks_apply_in_seconds(world):
    codes = list(world.actors.index)
    shocks = [
        {
            "between": [codes[i % 16], codes[(i * 7 + 1) % 16] if i % 5 else "*"],
            "factor": 1.0 + (i % 3 - 1) * 1e-6,
            "rationale": "r",
        }
        for i in range(MAX_TRADE_SHOCKS)
        if codes[i % 16] != codes[(i * 7 + 1) % 16] or not i % 5
    ]
    shocks += shocks[: MAX_TRADE_SHOCKS - len(shocks)]
    assert len(shocks) == MAX_TRADE_SHOCKS
    start = time.perf_counter()
    raw = {"id": "many", "title": "T", "summary": "S", "extends": "status-quo"}
    scenario = scenario_from_mapping({**raw, "trade_shocks": shocks}, world)
    changed = apply(scenario, world)
    elapsed = time.perf_counter() - start
    assert elapsed < 10, f"{MAX_TRADE_SHOCKS:,} shocks took {elapsed:.1f} s"
    assert changed.trade["trade_usd"].notna().all()


# --------------------------------------------------------------------------- the CLI itself


def test_internal_error_is_one_line_with_status_3(monkeypatch, capsys):
    def broken(world):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "validate", broken)
    assert main(["validate"]) == 3
    assert one_error_line(capsys.readouterr().err) == (
        "error: internal error: RuntimeError: boom (run with --debug for the traceback)"
    )


def test_debug_shows_the_full_traceback(monkeypatch, capsys):
    def broken(world):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "validate", broken)
    with pytest.raises(RuntimeError, match="boom"):
        main(["--debug", "validate"])
    assert "error: internal error: RuntimeError: boom" in capsys.readouterr().err


def test_debug_in_a_fresh_interpreter(tmp_path):
    path = scenario_file(tmp_path, "bad", alliance={"add": ["XYZ"]})
    plain = cli_run("run", str(path))
    assert plain.returncode == 2
    one_error_line(plain.stderr, f"{path}: field 'alliance.add': unknown actor 'XYZ'")
    debug = cli_run("--debug", "run", str(path))
    assert debug.returncode != 0
    assert "Traceback (most recent call last)" in debug.stderr
    assert "ScenarioError" in debug.stderr


def test_every_file_class_is_one_line_from_a_fresh_interpreter(tmp_path):
    """End to end, as a user sees it: exit status 2, one line, no traceback."""
    cases = {
        "latin1.yaml": "id: latin1\ntitle: Caf\xe9\n".encode("latin-1"),
        "binary.yaml": b"\x00\x01\x02\x03",
        "dup.yaml": b"id: dup\nid: dup\n",
        "deep.yaml": b"id: deep\nsummary: " + b"[" * 20_000 + b"]" * 20_000,
        "tag.yaml": b"id: tag\ntitle: !!python/name:os.system\n",
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        done = cli_run("run", str(path))
        assert done.returncode == 2, (name, done.stderr)
        one_error_line(done.stderr, str(path))
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    done = cli_run("run", str(folder))
    assert done.returncode == 2
    one_error_line(done.stderr, "is a directory")
