"""The live explorer, headless: a control's change gives the result of the equivalent scenario
file, the scenario it builds validates and round-trips through `save`, and 00_explore runs."""

import asyncio
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

import analysis
from analysis.cli import validate
from analysis.errors import ScenarioError
from analysis.model.indicators import shown_in
from analysis.pipeline.render import NOTEBOOKS, REPORTS
from analysis.report import explorer as explorer_module

START = "asian-nato"


@pytest.fixture
def world(data_copy: Path) -> analysis.World:
    """A World over a private copy of data/, so saved scenarios never reach data/scenarios."""
    return analysis.load_world(data_copy)


@pytest.fixture
def explorer(world):
    return analysis.explore(START, world)


def write_scenario(world: analysis.World, ident: str, **fields) -> analysis.Scenario:
    """A scenario file extending the starting scenario, in the world's data folder."""
    raw = {"id": ident, "title": ident, "summary": "A test scenario.", "extends": START}
    (world.data_dir / "scenarios" / f"{ident}.yaml").write_text(yaml.safe_dump(raw | fields))
    return analysis.load_scenario(ident, world)


def assert_same_values(result, expected) -> None:
    """Equal for every registry indicator (NaN equals NaN)."""
    for key in analysis.INDICATORS:
        a, b = result.values[key], expected.values[key]
        assert a == b or (math.isnan(a) and math.isnan(b)), (key, a, b)


def test_explore_is_exported_and_controls_start_at_the_scenario(explorer, world):
    assert analysis.explore is explorer_module.explore
    start = analysis.run(analysis.load_scenario(START, world), world)
    expected = {f"{kind}:{c}" for c in world.actors.index for kind in ("position", "salience")}
    expected |= {f"bloc:{c}" for c in world.actors.index}
    expected |= {f"parameter:{name}" for name in world.parameters.index}
    assert set(explorer.controls) == expected
    for code, row in start.positions.iterrows():
        assert explorer.controls[f"position:{code}"].value == row["position"]
        assert explorer.controls[f"salience:{code}"].value == row["salience"]
        assert explorer.controls[f"bloc:{code}"].value == row["bloc"]
        slider = explorer.controls[f"position:{code}"]
        assert (slider.min, slider.max, slider.step) == (0, 100, 1)
        assert not slider.continuous_update  # updates on release: drags do not flood the kernel
    for name, row in world.parameters.iterrows():
        slider = explorer.controls[f"parameter:{name}"]
        assert (slider.min, slider.max) == (row["low"], row["high"])
        assert slider.value == pytest.approx(start.scenario.parameter(name, world))
    assert explorer.changes() == {}
    assert_same_values(explorer.result, start)


def test_position_change_gives_the_result_of_that_scenario_file(explorer, world):
    explorer.controls["position:KOR"].value = 35
    judgement = {"KOR": {"position": 35, "rationale": "test"}}
    expected = analysis.run(write_scenario(world, "kor-35", judgements=judgement), world)
    assert_same_values(explorer.result, expected)
    assert isinstance(explorer.result, analysis.ScenarioResult)
    assert explorer.result.values["position_gap"] != explorer.start_result.values["position_gap"]


@pytest.mark.parametrize(
    "code, bloc, fields",
    [
        ("PHL", "others", {"alliance": {"add": [], "remove": ["PHL"]}}),
        ("VNM", "rivals", {"rivals": ["CHN", "PRK", "RUS", "VNM"]}),
    ],
)
def test_bloc_change_gives_the_result_of_that_scenario_file(explorer, world, code, bloc, fields):
    explorer.controls[f"bloc:{code}"].value = bloc
    expected = analysis.run(write_scenario(world, "moved", **fields), world)
    assert_same_values(explorer.result, expected)
    assert explorer.result.scenario.rivals == expected.scenario.rivals


def test_parameter_change_gives_the_result_of_that_scenario_file(explorer, world):
    explorer.controls["parameter:arms.reaction_rival"].value = 0.22
    parameters = {"arms.reaction_rival": 0.22}
    expected = analysis.run(write_scenario(world, "rival-022", parameters=parameters), world)
    assert_same_values(explorer.result, expected)
    assert explorer.result.arms.path.equals(expected.arms.path)


@pytest.mark.parametrize("start", analysis.scenario_ids())
def test_every_shipped_scenario_can_be_explored(world, start):
    """From any starting scenario, a change gives `run` of the validated scenario it makes."""
    explorer = analysis.explore(start, world)
    assert_same_values(explorer.result, explorer.start_result)
    explorer.controls["bloc:IND"].value = "rivals"
    explorer.controls["salience:USA"].value = 40
    scenario = explorer.scenario()
    assert scenario == explorer.result.scenario
    assert_same_values(explorer.result, analysis.run(scenario, world))


def test_scenario_extends_the_start_and_lists_only_the_changes(explorer, world):
    explorer.controls["position:KOR"].value = 35
    explorer.controls["bloc:PHL"].value = "others"
    explorer.controls["parameter:trade.disruption_factor"].value = 0.2
    raw = explorer.mapping()
    assert raw["extends"] == START and raw["reference"] == START
    assert raw["id"] == f"{START}-explored"
    assert raw["judgements"] == {"KOR": {"position": 35, "rationale": "set in the explorer"}}
    assert raw["alliance"] == {"add": [], "remove": ["PHL"]}
    assert "rivals" not in raw  # unchanged
    assert raw["parameters"] == {"trade.disruption_factor": 0.2}
    assert "South Korea's position from 68 to 35" in raw["summary"]
    scenario = explorer.scenario()  # validated like a file
    assert scenario.lineage == (f"{START}-explored", START, "status-quo")
    assert scenario.judgements["KOR"] == {"position": 35, "rationale": "set in the explorer"}
    assert scenario.judgements["CHN"]["position"] == 5  # inherited from the start
    assert scenario == explorer.result.scenario  # the fast in-memory path builds the same
    explorer.controls["position:KOR"].value = 68  # back to the start: no longer a change
    assert "judgements" not in explorer.mapping()


def test_save_round_trips_and_validates(explorer, world):
    explorer.controls["salience:CHN"].value = 60
    explorer.controls["bloc:IND"].value = "alliance"
    explorer.controls["parameter:polarisation.alpha"].value = 1.3
    path = explorer.save("my-what-if")
    assert path == world.data_dir / "scenarios" / "my-what-if.yaml"
    assert not (analysis.load_world().data_dir / "scenarios" / "my-what-if.yaml").exists()
    saved = analysis.load_scenario("my-what-if", world)
    assert saved.reference == START
    assert_same_values(analysis.run(saved, world), explorer.result)
    assert validate(world).startswith("ok")


def test_save_refuses_an_existing_file_and_a_path(explorer, world):
    explorer.save("kept")
    with pytest.raises(FileExistsError):
        explorer.save("kept")
    with pytest.raises(FileExistsError):
        explorer.save(START)
    explorer.controls["position:JPN"].value = 80
    assert explorer.save("kept", overwrite=True).read_text().count("position: 80") == 1
    before = sorted(world.data_dir.parent.rglob("*"))
    for bad in ("../evil", "a/b", "/tmp/evil", "..", "Evil", "", "x" * 65):
        with pytest.raises(ScenarioError):
            explorer.save(bad)
    assert sorted(world.data_dir.parent.rglob("*")) == before


def test_reset_returns_to_the_start(explorer):
    explorer.controls["position:KOR"].value = 20
    explorer.controls["bloc:AUS"].value = "others"
    explorer.reset()
    assert explorer.changes() == {}
    assert_same_values(explorer.result, explorer.start_result)


def test_view_shows_headline_numbers_findings_and_charts(explorer):
    before = {name: image.value for name, image in explorer.images.items()}
    assert all(bytes(png).startswith(b"\x89PNG") for png in before.values())
    explorer.controls["bloc:PHL"].value = "others"
    table = explorer.headline()
    assert len(table) == len(shown_in("headline"))
    assert list(table.columns) == [START, "now", "change"]
    assert table["change"].str.len().gt(0).any()
    assert "Philippines moves from the alliance to neither bloc" in explorer._view["changes"].value
    assert all(explorer.images[name].value != before[name] for name in before)
    assert "Would the split hold?" in explorer._view["alignment"].value
    assert "likelihood in asian-nato" in explorer._view["findings"].value


def test_findings_are_retested_on_the_current_numbers(explorer):
    start = explorer.start_result.findings.set_index("id")["verdict"]
    assert start["trade-at-risk-rises"] == "supported"
    explorer.controls["parameter:trade.disruption_factor"].value = 0
    now = explorer.findings.set_index("id")["verdict"]
    assert now["trade-at-risk-rises"] == "contradicted"
    assert set(now.index) == set(start.index)


def test_charts_wait_for_the_changes_to_pause_when_an_event_loop_runs(world):
    explorer = analysis.explore(START, world, debounce=0.05)
    before = explorer.images["positions"].value

    async def drag() -> tuple[bytes, bytes]:
        for value in (60, 50, 40):
            explorer.controls["position:KOR"].value = value
        during = explorer.images["positions"].value
        await asyncio.sleep(0.3)
        return during, explorer.images["positions"].value

    during, after = asyncio.run(drag())
    assert explorer.result.scenario.judgements["KOR"]["position"] == 40  # numbers at once
    assert during == before and after != before  # charts once, after the pause


def test_explore_notebook_runs_with_defaults_and_is_not_a_brief(tmp_path):
    import papermill

    notebook = NOTEBOOKS / "00_explore.ipynb"
    assert "00_explore" not in REPORTS
    executed = papermill.execute_notebook(
        str(notebook), str(tmp_path / "out.ipynb"), cwd=str(NOTEBOOKS), progress_bar=False
    )
    outputs = [o for c in executed.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)


def test_step_lands_on_the_start_and_the_bounds():
    for low, value, high in [(0, 0.15, 0.5), (0.25, 1.0, 1.6), (0.03, 0.12, 0.25), (50, 75, 100)]:
        step = explorer_module._step(low, value, high)
        for x in (value - low, high - low):
            assert np.isclose(x / step, round(x / step))
