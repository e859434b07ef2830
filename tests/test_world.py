"""Loading data/: the shipped data validates, and each kind of bad row gets one clear error."""

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

import analysis
from analysis import DataError

SEED_PARAGRAPHS = range(1, 13)  # the essay has paragraphs 1-12


def test_shipped_world_is_complete(world):
    assert len(world.actors) >= 16
    required = {
        "USA",
        "CHN",
        "JPN",
        "KOR",
        "PRK",
        "RUS",
        "AUS",
        "IND",
        "PHL",
        "TWN",
        "VNM",
        "IDN",
        "SGP",
        "THA",
        "MYS",
        "NZL",
    }
    assert required <= set(world.actors.index)
    assert set(world.judgements.index) == set(world.actors.index)
    for indicator in ("cinc", "nuclear_warheads"):
        assert world.figures[indicator].notna().all(), indicator


def test_every_figure_has_source_and_year(world):
    given = world.facts[world.facts["status"] != "none"]
    for table in (given, world.trade, world.groupings):
        assert (table["source"].str.len() > 0).all()
        assert table["year"].between(1900, 2100).all()
    missing = world.facts[world.facts["status"] == "none"]
    assert missing["value"].isna().all() and (missing["note"].str.len() > 0).all()


def test_north_korea_gdp_is_the_bank_of_korea_estimate(world):
    row = world.facts[(world.facts["iso3"] == "PRK") & (world.facts["indicator"] == "gdp_usd")]
    assert "Bank of Korea" in row["source"].iloc[0]


def test_every_essay_paragraph_is_covered_by_a_claim(world):
    covered = {p for paragraphs in world.claims["paragraphs"] for p in paragraphs}
    assert set(SEED_PARAGRAPHS) <= covered


def test_implications_link_claims_indicators_and_scenarios(world):
    assert len(world.implications) >= 8
    ids = set(analysis.scenario_ids(world))
    for _, imp in world.implications.iterrows():
        assert imp["scenario"] in ids
        assert set(imp["claims"]) <= set(world.claims.index)


def test_required_groupings_are_present(world):
    for gid in (
        "us-japan-1960",
        "us-rok-1953",
        "anzus-1951",
        "us-philippines-1951",
        "china-dprk-1961",
        "russia-dprk-2024",
        "quad",
        "aukus",
        "asean",
        "arf",
        "sco",
        "rcep",
    ):
        assert gid in world.groupings.index, gid


def test_world_tables_are_not_shared_with_scenarios(world):
    scenario = analysis.load_scenario("dprk-isolation", world)
    before = world.trade["trade_usd"].copy()
    analysis.run(scenario, world)
    pd.testing.assert_series_equal(world.trade["trade_usd"], before)
    with pytest.raises(AttributeError):
        world.trade = None  # frozen


def _edit_csv(path: Path, line: int, column: str, value: str) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[line - 2, column] = value
    frame.to_csv(path, index=False)


@pytest.mark.parametrize(
    ("file", "column", "value", "message"),
    [
        ("facts.csv", "source", "", "needs its source"),
        ("facts.csv", "value", "about ten", "valid number"),
        ("facts.csv", "iso3", "XXX", "unknown actor 'XXX'"),
        ("facts.csv", "year", "20x3", "valid integer"),
        ("facts.csv", "unit", "EUR", "must be in"),
        ("trade.csv", "trade_usd", "-5", "greater than or equal to 0"),
        ("trade.csv", "source", "", "at least 1 character"),
        ("trade.csv", "b", "ZZZ", "unknown actor 'ZZZ'"),
        ("groupings.csv", "members", "USA;ZZZ", "unknown member 'ZZZ'"),
        ("judgements.csv", "position", "140", "less than or equal to 100"),
        ("judgements.csv", "claims", "no-such-claim", "unknown claim"),
        ("parameters.csv", "value", "9", "within [low, high]"),
    ],
)
def test_bad_data_row_names_file_line_and_column(data_copy, file, column, value, message):
    _edit_csv(data_copy / file, 3, column, value)
    with pytest.raises(DataError) as caught:
        analysis.load_world(data_copy)
    text = str(caught.value)
    assert file in text
    assert "line 3" in text
    assert f"'{column}'" in text
    assert re.search(re.escape(message), text)


@pytest.mark.parametrize(
    ("file", "column", "value"),
    [
        ("facts.csv", "unit", "EUR"),
        ("facts.csv", "iso3", "XXX"),
        ("trade.csv", "b", "ZZZ"),
        ("rivalries.csv", "a", "XXX"),
        ("judgements.csv", "position", "1"),
        ("parameters.csv", "value", "9"),
    ],
)
def test_the_line_named_counts_blank_lines(data_copy, file, column, value):
    """A blank line before the bad row moves it to line 4: the error must say so."""
    path = data_copy / file
    _edit_csv(path, 3, column, value)
    header, *rows = path.read_text().splitlines()
    path.write_text("\n".join([header, "", *rows]) + "\n")
    with pytest.raises(DataError) as caught:
        analysis.load_world(data_copy)
    assert caught.value.where.startswith("line 4, column"), str(caught.value)


def test_duplicate_fact_is_rejected(data_copy):
    path = data_copy / "facts.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n")
    with pytest.raises(DataError, match="duplicate"):
        analysis.load_world(data_copy)


def test_claim_without_paragraph_is_rejected(data_copy):
    path = data_copy / "claims.yaml"
    claims = yaml.safe_load(path.read_text())
    claims[0]["paragraphs"] = []
    path.write_text(yaml.safe_dump(claims))
    with pytest.raises(DataError, match=r"claims.yaml: entry 1 .* field 'paragraphs'"):
        analysis.load_world(data_copy)


def test_yaml_python_tags_are_refused(data_copy):
    path = data_copy / "claims.yaml"
    path.write_text("- !!python/object/apply:os.system ['true']\n")
    with pytest.raises(DataError, match="not valid YAML"):
        analysis.load_world(data_copy)
