"""Scenario files: inheritance, application to the World, and one clear error per bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

import analysis
from analysis import ScenarioError
from analysis.cli import main
from analysis.world.scenario import TradeShock, shock_trade

MINIMAL = {"title": "T", "summary": "S", "architecture": 50, "alliance": {"add": ["USA"]}}


def write(folder: Path, ident: str, **fields) -> Path:
    path = folder / f"{ident}.yaml"
    path.write_text(yaml.safe_dump({"id": ident, **fields}, allow_unicode=True))
    return path


def test_shipped_scenarios_load(world):
    ids = analysis.scenario_ids(world)
    for required in (
        "status-quo",
        "asian-nato",
        "china-joins",
        "dprk-isolation",
        "inclusive-architecture",
        "korea-hedges",
    ):
        assert required in ids
    for ident in ids:
        scenario = analysis.load_scenario(ident, world)
        assert scenario.summary.strip()


def test_extends_inherits_then_overrides(world):
    nato = analysis.load_scenario("asian-nato", world)
    china = analysis.load_scenario("china-joins", world)
    assert china.lineage == ("china-joins", "asian-nato", "status-quo")
    assert set(china.alliance) == set(nato.alliance) | {"CHN"}
    assert china.rivals == ("PRK", "RUS")
    assert china.architecture == nato.architecture
    assert china.parameters["trade.disruption_factor"] == nato.parameters["trade.disruption_factor"]
    assert china.judgements["CHN"]["position"] == 70
    hedges = analysis.load_scenario("korea-hedges", world)
    assert "KOR" not in hedges.alliance and "KOR" not in hedges.rivals


def test_apply_changes_judgements_and_trade_only_in_the_copy(world):
    scenario = analysis.load_scenario("dprk-isolation", world)
    changed = analysis.world.apply(scenario, world)
    pair = (changed.trade["a"] == "CHN") & (changed.trade["b"] == "PRK")
    before = world.trade.loc[pair, "trade_usd"].iloc[0]
    assert changed.trade.loc[pair, "trade_usd"].iloc[0] == pytest.approx(0.7 * before)
    assert changed.judgements.loc["PRK", "salience"] == 100
    assert world.judgements.loc["PRK", "salience"] != 100


@pytest.mark.parametrize("ident", ["dprk-isolation", "china-joins", "asian-nato"])
def test_applied_figures_are_the_applied_facts_in_wide_form(world, ident):
    changed = analysis.world.apply(analysis.load_scenario(ident, world), world)
    wide = changed.facts.pivot(index="iso3", columns="indicator", values="value").astype(float)
    wide = wide.reindex(index=changed.actors.index, columns=changed.figures.columns)
    pd.testing.assert_frame_equal(changed.figures, wide)
    totals = changed.figures["trade_total_usd"]
    assert not totals.equals(world.figures["trade_total_usd"])  # the shocks changed them


def test_shock_trade_scales_dyads_and_unrecorded_residual():
    trade = pd.DataFrame({"a": ["P", "P", "Q"], "b": ["C", "R", "C"], "trade_usd": [8.0, 1.0, 5.0]})
    totals = pd.Series({"P": 10.0, "C": 20.0, "R": 4.0, "Q": float("nan")})
    cut = TradeShock.model_validate(
        {"between": ["P", "*"], "except": ["C"], "factor": 0.0, "rationale": "test"}
    )
    half = TradeShock(between=["C", "P"], factor=0.5, rationale="test")
    shocked, new_totals = shock_trade(trade, totals, (cut, half))
    assert shocked["trade_usd"].tolist() == [4.0, 0.0, 5.0]
    # P: residual 10 - 9 = 1 is cut to 0 by the "*" shock; dyads now 4 + 0.
    assert new_totals["P"] == pytest.approx(4.0)
    # C: residual 20 - 13 = 7 untouched (C's "*" was not shocked); dyads 4 + 5.
    assert new_totals["C"] == pytest.approx(16.0)
    assert new_totals["R"] == pytest.approx(3.0)  # lost its dyad with P
    assert pd.isna(new_totals["Q"])  # no published total stays unknown


@pytest.mark.parametrize(
    ("fields", "where", "message"),
    [
        ({"colour": "blue"}, "field 'colour'", "unknown key"),
        ({"alliance": {"add": ["XYZ"]}}, "field 'alliance.add'", "unknown actor 'XYZ'"),
        ({"rivals": ["ATL"]}, "field 'rivals'", "unknown actor 'ATL'"),
        (
            {"judgements": {"CHN": {"position": 120, "rationale": "r"}}},
            "field 'judgements.CHN.position'",
            "less than or equal to 100",
        ),
        (
            {"judgements": {"CHN": {"position": -1, "rationale": "r"}}},
            "field 'judgements.CHN.position'",
            "greater than or equal to 0",
        ),
        ({"judgements": {"CHN": {"position": 10}}}, "field 'judgements.CHN.rationale'", "required"),
        (
            {"trade_shocks": [{"between": ["PRK", "*"], "factor": -0.5, "rationale": "r"}]},
            "field 'trade_shocks.0.factor'",
            "greater than or equal to 0",
        ),
        (
            {"trade_shocks": [{"between": ["PRK", "ZZZ"], "factor": 0.5, "rationale": "r"}]},
            "field 'trade_shocks.0.between'",
            "unknown actor 'ZZZ'",
        ),
        ({"parameters": {"arms.speed": 1.0}}, "field 'parameters.arms.speed'", "unknown parameter"),
        (
            {"parameters": {"trade.disruption_factor": 0.9}},
            "field 'parameters.trade.disruption_factor'",
            "outside its range",
        ),
        ({"claims": ["no-such-claim"]}, "field 'claims'", "unknown claim"),
        ({"rivals": ["USA"]}, "field 'rivals'", "cannot be in the alliance and a rival"),
        ({"alliance": {"remove": ["JPN"]}}, "field 'alliance.remove'", "not a member"),
    ],
)
def test_bad_scenario_names_file_and_field(tmp_path, world, fields, where, message):
    path = write(tmp_path, "bad", **{**MINIMAL, **fields})
    with pytest.raises(ScenarioError) as caught:
        analysis.load_scenario(path, world)
    assert caught.value.path == str(path)
    assert caught.value.where == where
    assert message in caught.value.message


def test_missing_summary_is_named(tmp_path, world):
    path = write(tmp_path, "bad", title="T", architecture=50)
    with pytest.raises(ScenarioError, match="field 'summary': required"):
        analysis.load_scenario(path, world)


def test_id_must_match_file_name(tmp_path, world):
    path = tmp_path / "one.yaml"
    path.write_text(yaml.safe_dump({"id": "two", **MINIMAL}))
    with pytest.raises(ScenarioError, match="field 'id': must equal the file name"):
        analysis.load_scenario(path, world)


def test_extends_cycle_is_an_error(tmp_path, world):
    write(tmp_path, "a", **MINIMAL, extends="b")
    write(tmp_path, "b", **MINIMAL, extends="c")
    path = write(tmp_path, "c", **MINIMAL, extends="a")
    with pytest.raises(ScenarioError, match="inheritance cycle: c -> a -> b -> c"):
        analysis.load_scenario(path, world)


@pytest.mark.parametrize("ident", ["../x", "/etc/passwd", "Status-Quo", "a b"])
def test_ids_that_are_not_slugs_are_rejected(world, ident):
    with pytest.raises(ScenarioError, match="lower-case letters"):
        analysis.load_scenario(ident, world)


def test_cli_reports_bad_scenario_with_exit_2_and_no_traceback(tmp_path):
    path = write(tmp_path, "bad", **{**MINIMAL, "alliance": {"add": ["XYZ"]}})
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "run", str(path)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: {path}: field 'alliance.add': unknown actor 'XYZ'")
    assert "Traceback" not in proc.stderr


def test_cli_reports_bad_data_with_exit_2(data_copy, capsys):
    path = data_copy / "facts.csv"
    path.write_text(path.read_text().replace("World Bank WDI", "", 1).replace(",,", ",", 0))
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "source"] = ""
    frame.to_csv(path, index=False)
    assert main(["--data", str(data_copy), "validate"]) == 2
    assert "facts.csv: line 2, column 'source'" in capsys.readouterr().err


def test_cli_run_json_headline(capsys, world):
    assert main(["run", "china-joins", "--json"]) == 0
    headline = json.loads(capsys.readouterr().out)
    assert "CHN" in headline["alliance_members"]
    values = headline["indicators"]
    assert set(values) == set(analysis.INDICATORS)
    # the alliance's CINC share, recomputed from facts.csv by hand
    cinc = world.facts[world.facts["indicator"] == "cinc"].set_index("iso3")["value"]
    members = cinc.reindex(headline["alliance_members"]).sum()
    assert values["alliance_share_cinc"] == pytest.approx(members / cinc.sum(), rel=1e-12)
    assert values["trade_at_risk_usd"] == pytest.approx(
        values["cross_bloc_trade_usd"] * 0.15, rel=1e-12
    )  # china-joins inherits asian-nato's disruption factor of 0.15
    assert headline["findings"] and {"id", "verdict", "evidence"} <= set(headline["findings"][0])


def test_cli_validate_and_list(capsys):
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith("ok:")
    assert main(["list"]) == 0
    assert "china-joins" in capsys.readouterr().out


def test_a_changed_value_replaces_the_inherited_range(world, tmp_path):
    """A child that moves a judgement or a parameter is not drawn from its parent's range for
    it; restating the parent's value keeps the range, and a range of its own wins."""

    def child(name: str, body: str) -> analysis.Scenario:
        path = tmp_path / f"{name}.yaml"
        path.write_text(f"id: {name}\ntitle: t\nsummary: s\nextends: asian-nato\n{body}")
        return analysis.load_scenario(path, world)

    parent = analysis.load_scenario("asian-nato", world)
    assert "judgements.KOR.position" in parent.uncertainty
    moved = child("moved", "judgements: {KOR: {position: 35, rationale: r}}\n"
                           "parameters: {trade.disruption_factor: 0.3}\n")  # fmt: skip
    assert "judgements.KOR.position" not in moved.uncertainty
    assert "trade.disruption_factor" not in moved.uncertainty
    assert "judgements.CHN.position" in moved.uncertainty  # untouched ranges stay
    same = child("same", "judgements: {KOR: {position: 68, rationale: r}}\n")
    assert (
        same.uncertainty["judgements.KOR.position"] == parent.uncertainty["judgements.KOR.position"]
    )
    own_range = "uncertainty: {judgements.KOR.position: {uniform: [25, 45], rationale: r}}\n"
    own = child("own", "judgements: {KOR: {position: 35, rationale: r}}\n" + own_range)
    assert own.uncertainty["judgements.KOR.position"].uniform == (25, 45)
    left = child("left", "alliance: {remove: [PHL]}\n")
    assert "bloc.PHL" not in left.uncertainty
