"""The data build: deterministic, equal to the committed files, traceable to data/raw/.

The equality test compares the build with the committed data/facts.csv, data/trade.csv and
data/gravity_fit.yaml, so it fails until those files are regenerated with the build.
"""

from __future__ import annotations

import csv
import itertools
import math
import shutil
from pathlib import Path

import pytest
import yaml

from analysis.errors import DataError
from analysis.world.build import (
    ACTORS,
    CORE,
    YEARS,
    Dyad,
    balance_to_totals,
    build,
    total_year,
)

DATA = Path(__file__).resolve().parents[1] / "data"
RAW = DATA / "raw"
OUTPUTS = ("facts.csv", "trade.csv", "gravity_fit.yaml")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build")
    build(RAW, out)
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _facts(out: Path) -> dict[tuple[str, str], dict[str, str]]:
    return {(r["iso3"], r["indicator"]): r for r in _rows(out / "facts.csv")}


def test_the_build_is_deterministic(built: Path, tmp_path: Path) -> None:
    build(RAW, tmp_path)
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name


def test_the_committed_files_equal_the_build_output(built: Path) -> None:
    for name in OUTPUTS:
        committed = DATA / name
        assert committed.exists(), f"data/{name} is not committed: run the data build"
        assert committed.read_bytes() == (built / name).read_bytes(), (
            f"data/{name} differs from the build output: run the data build and commit"
        )


def test_the_actor_list_matches_actors_csv() -> None:
    assert tuple(r["iso3"] for r in _rows(DATA / "actors.csv")) == ACTORS


# --------------------------------------------------------------------------- traceability


def _raw_value(folder: str, file: str, col: str, **match: str) -> str:
    """The one cell of a raw extract matching the key, read without the build's code."""
    found = [r for r in _rows(RAW / folder / file) if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, (folder, match)
    return found[0][col]


def _wdi(folder: str, iso3: str, year: int) -> float:
    file = "gdp.csv" if folder.endswith("gdp") else "population.csv"
    return float(_raw_value(folder, file, iso3=iso3, year=str(year), col="value"))


def _sipri_usd(iso3: str, year: int) -> float:
    return (
        float(
            _raw_value("sipri_milex", "milex.csv", iso3=iso3, year=str(year), col="current_usd_m")
        )
        * 1e6
    )


def _wdi_trade(iso3: str, year: int) -> float:
    """Merchandise exports + imports, each read from its own WDI extract."""
    total = 0.0
    for folder, file in (
        ("world_bank_wdi_merch_exports", "exports.csv"),
        ("world_bank_wdi_merch_imports", "imports.csv"),
    ):
        total += float(_raw_value(folder, file, iso3=iso3, year=str(year), col="value"))
    return total


SAMPLE = [
    ("USA", "gdp_usd", lambda: _wdi("world_bank_wdi_gdp", "USA", YEARS["gdp_usd"])),
    ("VNM", "gdp_usd", lambda: _wdi("world_bank_wdi_gdp", "VNM", YEARS["gdp_usd"])),
    ("NZL", "gdp_usd", lambda: _wdi("world_bank_wdi_gdp", "NZL", YEARS["gdp_usd"])),
    (
        "TWN",
        "gdp_usd",
        lambda: (
            float(
                _raw_value(
                    "imf_weo_2025_10", "ngdpd.csv", iso3="TWN", year="2023", col="ngdpd_usd_bn"
                )
            )
            * 1e9
        ),
    ),
    ("PHL", "milex_usd", lambda: _sipri_usd("PHL", YEARS["milex_usd"])),
    ("CHN", "milex_usd", lambda: _sipri_usd("CHN", YEARS["milex_usd"])),
    ("SGP", "milex_usd", lambda: _sipri_usd("SGP", YEARS["milex_usd"])),
    ("PRK", "population", lambda: _wdi("world_bank_wdi_population", "PRK", 2023)),
    ("NZL", "population", lambda: _wdi("world_bank_wdi_population", "NZL", 2023)),
    (
        "TWN",
        "cinc",
        lambda: float(_raw_value("cow_nmc_6_0", "nmc.csv", ccode="713", year="2016", col="cinc")),
    ),
    (
        "KOR",
        "cinc",
        lambda: float(_raw_value("cow_nmc_6_0", "nmc.csv", ccode="732", year="2016", col="cinc")),
    ),
    (
        "CHN",
        "nuclear_warheads",
        lambda: float(
            _raw_value(
                "fas_nuclear_forces_2023",
                "inventories.csv",
                country="China",
                category="Total Inventory",
                col="warheads",
            )
        ),
    ),
    ("JPN", "trade_total_usd", lambda: _wdi_trade("JPN", YEARS["trade_total_usd"])),
    ("AUS", "trade_total_usd", lambda: _wdi_trade("AUS", YEARS["trade_total_usd"])),
    ("SGP", "trade_total_usd", lambda: _wdi_trade("SGP", YEARS["trade_total_usd"])),
    ("PRK", "trade_total_usd", lambda: _wdi_trade("PRK", 2022)),  # the year of its China dyad
    (
        "TWN",
        "trade_total_usd",
        lambda: float(
            _raw_value("trade_totals_releases", "transcription.csv", iso3="TWN", col="trade_usd")
        ),
    ),
    (
        "PRK",
        "nuclear_warheads",
        lambda: float(
            _raw_value(
                "fas_nuclear_forces_2023",
                "inventories.csv",
                country="North Korea",
                category="Total Inventory",
                col="warheads",
            )
        ),
    ),
]


@pytest.mark.parametrize(
    ("iso3", "indicator", "raw"), SAMPLE, ids=[f"{a}-{b}" for a, b, _ in SAMPLE]
)
def test_a_figure_equals_its_raw_row(built: Path, iso3: str, indicator: str, raw) -> None:
    row = _facts(built)[(iso3, indicator)]
    assert row["status"] == "sourced"
    expected = raw()
    assert float(row["value"]) == pytest.approx(expected, rel=1e-9, abs=0.5)


DYAD_SAMPLE = [("CHN", "USA"), ("PRK", "RUS"), ("JPN", "KOR"), ("IND", "RUS")]


@pytest.mark.parametrize(("a", "b"), DYAD_SAMPLE, ids=[f"{a}-{b}" for a, b in DYAD_SAMPLE])
def test_a_reported_dyad_equals_its_raw_row(built: Path, a: str, b: str) -> None:
    rows = {(r["a"], r["b"]): r for r in _rows(built / "trade.csv")}
    raw = [
        r
        for r in _rows(RAW / "trade_dyads_releases" / "transcription.csv")
        if {r["a"], r["b"]} == {a, b}
    ]
    assert len(raw) == 1
    row = rows[(a, b)]
    assert row["estimated"] == "false" and "trade_dyads_releases" in row["source"]
    assert float(row["trade_usd"]) == pytest.approx(float(raw[0]["trade_usd"]), abs=0.5)
    assert row["year"] == raw[0]["year"]


def test_every_actor_has_a_sourced_trade_total(built: Path) -> None:
    facts = _facts(built)
    for iso3 in ACTORS:
        row = facts[(iso3, "trade_total_usd")]
        assert row["status"] == "sourced" and float(row["value"]) > 0, row
        assert row["year"] == str(total_year(iso3))
        if iso3 != "PRK":
            assert row["year"] == str(YEARS["trade_total_usd"])


def test_every_sourced_figure_names_an_existing_raw_extract(built: Path) -> None:
    for row in _rows(built / "facts.csv"):
        if row["status"] == "none":
            continue
        paths = [part.strip() for part in row["source"].split(";") if "data/raw/" in part]
        assert paths, row
        for part in paths:
            rel = part[part.index("data/raw/") :]
            assert (DATA.parent / rel).exists(), rel


# --------------------------------------------------------------------------- completeness


def test_every_core_figure_is_present_or_says_why(built: Path) -> None:
    facts = _facts(built)
    assert len(facts) == len(_rows(built / "facts.csv")), "an actor has two rows for one indicator"
    for iso3, indicator in itertools.product(ACTORS, CORE):
        row = facts[(iso3, indicator)]
        assert row["status"] in {"sourced", "estimated", "none"}
        if row["status"] == "none":
            assert row["value"] == "" and row["note"].strip()
            continue
        assert row["value"] != "" and row["source"].strip(), row
        if row["status"] == "estimated":
            low, value, high = (float(row[k]) for k in ("low", "value", "high"))
            assert low < value < high, row
            assert row["note"].startswith("Estimate"), row
        else:
            assert row["low"] == row["high"] == ""


def test_the_estimates_are_the_documented_ones(built: Path) -> None:
    facts = _facts(built)
    estimated = {k for k, r in facts.items() if r["status"] == "estimated"}
    assert estimated == {("PRK", "gdp_usd"), ("PRK", "milex_usd"), ("VNM", "milex_usd")}


def test_all_120_dyads_are_present_once(built: Path) -> None:
    rows = _rows(built / "trade.csv")
    pairs = [(r["a"], r["b"]) for r in rows]
    assert len(pairs) == len(set(pairs)) == 120
    assert set(pairs) == set(itertools.combinations(sorted(ACTORS), 2))
    for r in rows:
        assert r["source"].strip() and float(r["trade_usd"]) >= 0
        if r["estimated"] == "true" and float(r["trade_usd"]) == 0:
            assert float(r["low"]) == float(r["high"]) == 0 and "Set to 0" in r["note"], r
        elif r["estimated"] == "true":
            assert float(r["low"]) < float(r["trade_usd"]) < float(r["high"])
        else:
            assert r["estimated"] == "false" and r["low"] == r["high"] == ""
            assert float(r["trade_usd"]) > 0


def test_the_gravity_report_states_the_fit(built: Path) -> None:
    report = yaml.safe_load((built / "gravity_fit.yaml").read_text(encoding="utf-8"))
    assert set(report["coefficients"]) == {"intercept", "ln_trade_product", "ln_distance_km"}
    assert report["n"] == report["dyads_reported"] >= 5
    assert report["degrees_of_freedom"] == report["n"] - 3
    assert report["dyads_reported"] + report["dyads_estimated"] == 120
    assert 0 < report["r_squared"] <= 1 and report["residual_sd_log"] > 0
    assert report["leave_one_out_rmse_log"] > 0
    assert len(report["leave_one_out_errors_log"]) == report["n"]
    widths = report["prediction_interval"]["high_over_low"]
    assert 1 < widths["min"] <= widths["median"] <= widths["max"]
    rows = _rows(built / "trade.csv")
    ratios = sorted(float(r["high"]) / float(r["low"]) for r in rows if r["estimated"] == "true")
    assert widths["max"] == pytest.approx(ratios[-1], rel=0.01)


# --------------------------------------------------------------------------- balancing


def _half_unit(value: float) -> float:
    """Half a unit of the third significant digit: the rounding of an estimated figure."""
    return 0.0 if value == 0 else 0.5 * 10 ** (math.floor(math.log10(value)) - 2)


def _dyad_sums(out: Path) -> tuple[dict[str, float], dict[str, float]]:
    """Each actor's sum of dyads, and the rounding that sum may carry."""
    sums = dict.fromkeys(ACTORS, 0.0)
    slack = dict.fromkeys(ACTORS, 0.0)
    for r in _rows(out / "trade.csv"):
        value = float(r["trade_usd"])
        for iso3 in (r["a"], r["b"]):
            sums[iso3] += value
            if r["estimated"] == "true":
                slack[iso3] += _half_unit(value)
    return sums, slack


def test_no_actor_trades_more_with_the_others_than_its_total(built: Path) -> None:
    facts = _facts(built)
    sums, slack = _dyad_sums(built)
    for iso3 in ACTORS:
        row = facts[(iso3, "trade_total_usd")]
        if row["status"] != "sourced":
            continue
        assert sums[iso3] <= float(row["value"]) + slack[iso3] + 0.5, (iso3, sums[iso3], row)


def test_north_korea_total_and_china_dyad_share_a_year(built: Path) -> None:
    total = _facts(built)[("PRK", "trade_total_usd")]
    china = {(r["a"], r["b"]): r for r in _rows(built / "trade.csv")}[("CHN", "PRK")]
    assert china["estimated"] == "false"
    assert total["year"] == china["year"] == "2022"
    assert float(total["value"]) == pytest.approx(_wdi_trade("PRK", 2022), abs=0.5)
    assert "2022, not 2023" in total["note"] and "CHN-PRK" in total["note"]
    # North Korea's dyads now fit in its total: the reported ones leave little for the others
    assert float(china["trade_usd"]) < float(total["value"])


def test_the_scaled_dyads_say_so_and_the_report_gives_the_factors(built: Path) -> None:
    report = yaml.safe_load((built / "gravity_fit.yaml").read_text(encoding="utf-8"))
    balancing = report["balancing"]
    assert "Bacharach" in balancing["method"] and "upper-bound" in balancing["method"]
    assert "min(f_i, f_j)" in balancing["rule"]
    assert set(balancing["factors"]) == set(ACTORS)
    assert all(0 <= f <= 1 for f in balancing["factors"].values())
    scaled = {i for i, f in balancing["factors"].items() if f < 1}
    assert scaled == set(balancing["actors_scaled"]) and "PRK" in scaled
    prk = balancing["actors_scaled"]["PRK"]
    assert prk["total_year"] == 2022
    assert prk["estimated_after_usd"] <= prk["total_usd"] - prk["reported_usd"] + 1
    assert prk["estimated_after_usd"] < prk["estimated_before_usd"]
    rows = _rows(built / "trade.csv")
    marked = [r for r in rows if "by balancing to the sourced totals" in r["note"]]
    assert len(marked) == balancing["dyads_scaled"] > 0
    assert all(r["estimated"] == "true" for r in marked)
    for r in rows:
        if r["estimated"] == "true" and "PRK" in (r["a"], r["b"]):
            assert r in marked, r
            assert f"Scaled by {balancing['factors']['PRK']:.3g}" in r["note"], r
            assert r["year"] == "2022"  # as old as North Korea's total, its oldest input


def _estimate(a: str, b: str, value: float) -> Dyad:
    return Dyad(a, b, 2023, value, "s", True, "Estimated", value / 3, value * 3)


def test_balancing_scales_down_only_and_keeps_the_interval_width() -> None:
    dyads = [
        Dyad("A", "B", 2023, 60.0, "s", False, "reported"),
        _estimate("A", "C", 30.0),
        _estimate("A", "D", 10.0),
        _estimate("B", "C", 50.0),
        _estimate("C", "D", 5.0),
    ]
    totals = {"A": (80.0, 2023), "B": (500.0, 2023), "C": (60.0, 2023), "D": (1000.0, 2023)}
    out, balance = balance_to_totals(dyads, totals, Path("x"))
    got = {(d.a, d.b): d for d in out}
    # A: room 20 for 40 estimated -> 0.5; C: room 60 for 85 -> 60/85; B and D unconstrained
    assert balance.factors["A"] == pytest.approx(0.5)
    assert balance.factors["C"] == pytest.approx(60 / 85)
    assert balance.factors["B"] == balance.factors["D"] == 1.0
    assert got[("A", "B")] == dyads[0]  # reported: untouched
    assert got[("A", "C")].trade == pytest.approx(15.0)  # min(0.5, 60/85)
    assert got[("B", "C")].trade == pytest.approx(50 * 60 / 85)
    for old, new in zip(dyads, out, strict=True):
        assert new.trade <= old.trade
        if old.estimated:
            assert new.high / new.low == pytest.approx(old.high / old.low)
            assert new.low <= new.trade <= new.high
    sums = {i: 0.0 for i in totals}
    for d in out:
        sums[d.a] += d.trade
        sums[d.b] += d.trade
    assert all(sums[i] <= totals[i][0] * (1 + 1e-9) for i in totals)
    assert "Scaled by 0.5" in got[("A", "D")].note and "A's factor" in got[("A", "D")].note


def test_balancing_sets_estimates_to_zero_when_reported_dyads_fill_the_total() -> None:
    dyads = [Dyad("A", "B", 2023, 90.0, "s", False, "reported"), _estimate("A", "C", 10.0)]
    out, balance = balance_to_totals(dyads, {"A": (80.0, 2023)}, Path("x"))
    zero = out[1]
    assert balance.factors["A"] == 0.0
    assert zero.trade == zero.low == zero.high == 0.0 and zero.estimated
    assert "Set to 0" in zero.note


# --------------------------------------------------------------------------- bad input


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "raw"
    shutil.copytree(RAW, copy)
    return copy


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_missing_sha256_names_the_file_and_field(raw_copy: Path, tmp_path: Path) -> None:
    prov = raw_copy / "sipri_milex" / "PROVENANCE.yaml"
    lines = [ln for ln in prov.read_text().splitlines() if not ln.startswith("sha256:")]
    prov.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError) as err:
        build(raw_copy, tmp_path / "out")
    assert err.value.path == str(prov) and err.value.where == "sha256"


def test_a_missing_provenance_file_is_named(raw_copy: Path, tmp_path: Path) -> None:
    prov = raw_copy / "cow_nmc_6_0" / "PROVENANCE.yaml"
    prov.unlink()
    with pytest.raises(DataError, match="PROVENANCE.yaml is missing") as err:
        build(raw_copy, tmp_path / "out")
    assert err.value.path == str(prov)


def test_an_edited_transcription_no_longer_matches_its_hash(raw_copy: Path, tmp_path: Path) -> None:
    _edit(raw_copy / "taiwan_moi_population" / "transcription.csv", "23420442", "23420443")
    with pytest.raises(DataError) as err:
        build(raw_copy, tmp_path / "out")
    assert err.value.path.endswith("taiwan_moi_population/PROVENANCE.yaml")
    assert err.value.where == "sha256"


def _rehash(folder: Path) -> None:
    """Make a deliberately broken transcription pass the hash check, to reach the next check."""
    import hashlib

    sha = hashlib.sha256((folder / "transcription.csv").read_bytes()).hexdigest()
    prov = folder / "PROVENANCE.yaml"
    lines = [
        f"sha256: {sha}" if ln.startswith("sha256:") else ln for ln in prov.read_text().splitlines()
    ]
    prov.write_text("\n".join(lines) + "\n")


def test_a_figure_without_a_source_names_the_file_and_field(raw_copy: Path, tmp_path: Path) -> None:
    folder = raw_copy / "trade_totals_releases"
    path = folder / "transcription.csv"
    rows = _rows(path)
    rows[0]["publication"] = ""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    _rehash(folder)
    with pytest.raises(DataError, match="publication") as err:
        build(raw_copy, tmp_path / "out")
    assert err.value.path == str(path) and err.value.where == "line 2: publication"


def test_a_dyad_listed_twice_names_the_file_and_row(raw_copy: Path, tmp_path: Path) -> None:
    folder = raw_copy / "trade_dyads_releases"
    path = folder / "transcription.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    first = lines[1].split(",")
    swapped = ",".join([first[1], first[0], *first[2:]])  # same pair, other order
    path.write_text("\n".join([*lines, swapped]) + "\n", encoding="utf-8")
    _rehash(folder)
    with pytest.raises(DataError, match="listed twice") as err:
        build(raw_copy, tmp_path / "out")
    assert err.value.path == str(path)
    assert err.value.where == f"line {len(lines) + 1}: a,b"


def test_a_non_numeric_raw_value_names_the_line_and_column(raw_copy: Path, tmp_path: Path) -> None:
    path = raw_copy / "world_bank_wdi_gdp" / "gdp.csv"
    _edit(path, "27360935000000", "n/a")
    with pytest.raises(DataError, match="expected a number") as err:
        build(raw_copy, tmp_path / "out")
    assert err.value.path == str(path) and err.value.where.endswith(": value")


def test_a_year_mismatch_sets_north_korea_estimates_to_zero(raw_copy: Path, tmp_path: Path) -> None:
    folder = raw_copy / "trade_dyads_releases"
    _edit(folder / "transcription.csv", "CHN,PRK,2022,1530000000", "CHN,PRK,2022,1600000000")
    _rehash(folder)
    build(raw_copy, tmp_path)
    for r in _rows(tmp_path / "trade.csv"):
        if r["estimated"] == "true" and "PRK" in (r["a"], r["b"]):
            assert r["trade_usd"] == r["low"] == r["high"] == "0", r
            assert "Set to 0 (factor 0)" in r["note"], r
    sums, _ = _dyad_sums(tmp_path)
    assert sums["PRK"] == pytest.approx(1_600_000_000 + 34_400_000)  # reported dyads only


def test_a_changed_year_of_north_korea_china_dyad_stops_the_build(
    raw_copy: Path, tmp_path: Path
) -> None:
    folder = raw_copy / "trade_dyads_releases"
    _edit(folder / "transcription.csv", "CHN,PRK,2022,", "CHN,PRK,2023,")
    _rehash(folder)
    with pytest.raises(DataError, match="TOTAL_YEAR_EXCEPTIONS") as err:
        build(raw_copy, tmp_path / "out")
    assert err.value.path == str(folder / "transcription.csv")
    assert err.value.where == "CHN-PRK year"
