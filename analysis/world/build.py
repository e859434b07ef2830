"""Build data/facts.csv and data/trade.csv from the extracts in data/raw/.

Every figure the model uses comes from a folder of data/raw/ whose PROVENANCE.yaml names the
publisher, the dataset, its version, where the original file came from (or, for a transcription,
the publication) and a SHA-256. The build reads those folders, applies the few documented
estimation methods (North Korea's GDP and military spending, Viet Nam's military spending, and a
gravity model for the trade pairs with no published figure, scaled down where an actor's pairs would
add up to more than its total trade) and writes sorted rows with fixed number formats, so that
running it twice gives byte-identical files.

Bad input stops the build with one DataError that names the file and the field.

Run: python -m analysis.world.build [--raw DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from analysis.errors import DataError

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

#: The 16 modelled actors, in the order of data/actors.csv.
ACTORS: tuple[str, ...] = tuple(
    "USA CHN JPN KOR PRK RUS AUS IND PHL TWN VNM IDN SGP THA MYS NZL".split()
)

#: The one year each indicator is taken for (the latest year every actor can share).
YEARS: dict[str, int] = {
    "gdp_usd": 2023,  # the World Bank extract ends in 2023
    "milex_usd": 2023,  # same year as GDP, so that shares of GDP are consistent
    "population": 2023,
    "cinc": 2016,  # NMC v6.0 ends in 2016
    "nuclear_warheads": 2023,  # FAS estimates for early 2023
    "trade_total_usd": 2023,
}
#: Actors whose total goods trade is taken for another year than YEARS["trade_total_usd"], and
#: the reported dyad whose year it must share. North Korea's one large reported dyad (China,
#: KOTRA) is for 2022, and its total must bound its dyads (see balance_to_totals), so its total is
#: the WDI's 2022 figure; the build stops if that dyad's year changes.
TOTAL_YEAR_EXCEPTIONS: dict[str, tuple[int, tuple[str, str]]] = {
    "PRK": (2022, ("CHN", "PRK")),
}
CORE = ("gdp_usd", "milex_usd", "population", "cinc", "nuclear_warheads")
UNITS = {
    "gdp_usd": "USD",
    "milex_usd": "USD",
    "population": "persons",
    "cinc": "share",
    "nuclear_warheads": "warheads",
    "trade_total_usd": "USD",
}

FACT_COLUMNS = ["iso3", "indicator", "value", "unit", "year", "source", "status", "low", "high"]
FACT_COLUMNS.append("note")
TRADE_COLUMNS = ["a", "b", "year", "trade_usd", "source", "estimated", "low", "high", "note"]

#: Folder of data/raw/ -> the extract files the build reads from it.
FOLDERS: dict[str, tuple[str, ...]] = {
    "world_bank_wdi_gdp": ("gdp.csv",),
    "world_bank_wdi_population": ("population.csv",),
    "imf_weo_2025_10": ("ngdpd.csv",),
    "sipri_milex": ("milex.csv",),
    "cow_nmc_6_0": ("nmc.csv",),
    "fas_nuclear_forces_2023": ("inventories.csv",),
    "cepii_geodist": ("capitals.csv",),
    "bank_of_korea_prk_gni": ("transcription.csv",),
    "wmeat_2021_press": ("transcription.csv",),
    "taiwan_moi_population": ("transcription.csv",),
    "trade_dyads_releases": ("transcription.csv",),
    "trade_totals_releases": ("transcription.csv",),
    "world_bank_wdi_merch_exports": ("exports.csv",),
    "world_bank_wdi_merch_imports": ("imports.csv",),
}
PROVENANCE_KEYS = ("publisher", "dataset", "version", "kind", "obtained_from", "sha256")
PROVENANCE_KEYS += ("licence", "files", "extraction")

#: FAS names the states it lists in English; the five of them that are actors.
FAS_NAMES = {
    "United States": "USA",
    "Russia": "RUS",
    "China": "CHN",
    "India": "IND",
    "North Korea": "PRK",
}

#: Range of the North Korean GDP estimate, as factors of the central value (see data/raw/README).
PRK_GDP_FACTOR = 2.0
#: Two-sided coverage of the gravity model's prediction interval.
GRAVITY_COVERAGE = 0.90
#: Significant digits kept for estimated values (they are not precise to more).
ESTIMATE_DIGITS = 3

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX40 = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class Source:
    """One folder of data/raw/ and what its PROVENANCE.yaml says about it."""

    folder: str
    path: Path
    publisher: str
    dataset: str
    version: str
    transcription: bool

    def cite(self, file: str) -> str:
        """The text of the source column: who, what, which version, and the extract's path."""
        return f"{self.publisher}, {self.dataset} ({self.version}); data/raw/{self.folder}/{file}"


@dataclass(frozen=True)
class Table:
    """The rows of one extract, as text, with the path and line numbers errors refer to."""

    path: Path
    rows: tuple[dict[str, str], ...]

    def line(self, row: dict[str, str]) -> int:
        """The 1-based line of a row in the file (the header is line 1)."""
        return self.rows.index(row) + 2


@dataclass
class Fact:
    """One row of facts.csv before formatting."""

    iso3: str
    indicator: str
    value: float | None
    year: int
    source: str
    status: str
    note: str
    low: float | None = None
    high: float | None = None


@dataclass
class Dyad:
    """One row of trade.csv before formatting."""

    a: str
    b: str
    year: int
    trade: float
    source: str
    estimated: bool
    note: str
    low: float | None = None
    high: float | None = None


@dataclass
class GravityFit:
    """OLS fit of ln(trade) on the regressors of a specification (GRAVITY_TERMS, PREVIOUS_TERMS)."""

    names: tuple[str, ...]
    coef: np.ndarray
    xtx_inv: np.ndarray
    resid_sd: float
    n: int
    r2: float
    t_quantile: float
    residuals: dict[tuple[str, str], float] = field(default_factory=dict)

    def predict(self, x: np.ndarray) -> tuple[float, float, float]:
        """Median and the prediction interval, in US$, for one row of regressors."""
        mean = float(x @ self.coef)
        spread = self.t_quantile * self.resid_sd * math.sqrt(1.0 + float(x @ self.xtx_inv @ x))
        return math.exp(mean), math.exp(mean - spread), math.exp(mean + spread)


# --------------------------------------------------------------------------- reading


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_provenance(raw_dir: Path, folder: str) -> Source:
    """Check one folder's PROVENANCE.yaml and return what the build cites from it."""
    path = raw_dir / folder / "PROVENANCE.yaml"
    if not path.exists():
        raise DataError(path, "", "PROVENANCE.yaml is missing: every raw extract needs one")
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataError(path, "", f"not valid YAML ({exc})") from None
    if not isinstance(meta, dict):
        raise DataError(path, "", "expected a mapping of fields")
    for key in PROVENANCE_KEYS:
        if meta.get(key) in (None, "", []):
            raise DataError(path, key, "missing: every raw extract must state it")
    sha = str(meta["sha256"])
    if not _HEX64.match(sha):
        raise DataError(path, "sha256", f"expected 64 lower-case hex digits, got {sha!r}")
    origin = meta["obtained_from"]
    if not isinstance(origin, dict):
        raise DataError(path, "obtained_from", "expected repository, commit and path")
    kind = meta["kind"]
    if kind == "original":
        for key in ("repository", "commit", "path"):
            if not origin.get(key):
                raise DataError(path, f"obtained_from.{key}", "missing for an original file")
        if not _HEX40.match(str(origin["commit"])):
            raise DataError(path, "obtained_from.commit", "expected a 40-digit commit hash")
    elif kind == "transcription":
        if not origin.get("publication"):
            raise DataError(path, "obtained_from.publication", "missing for a transcription")
        files = list(meta["files"])
        if len(files) != 1 or _sha256(raw_dir / folder / files[0]) != sha:
            raise DataError(path, "sha256", f"does not match the SHA-256 of {files[0]}")
    else:
        raise DataError(path, "kind", f"expected 'original' or 'transcription', got {kind!r}")
    for name in FOLDERS[folder]:
        if name not in meta["files"]:
            raise DataError(path, "files", f"does not list {name}, which the build reads")
    return Source(
        folder=folder,
        path=path,
        publisher=str(meta["publisher"]),
        dataset=str(meta["dataset"]),
        version=str(meta["version"]),
        transcription=kind == "transcription",
    )


def read_table(path: Path, columns: Sequence[str]) -> Table:
    """Read an extract as text; a missing file or column is a DataError."""
    if not path.exists():
        raise DataError(path, "", "extract file is missing")
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        for column in columns:
            if column not in header:
                raise DataError(path, column, "column is missing")
        rows = tuple(dict(r) for r in reader)
    return Table(path, rows)


def _number(table: Table, row: dict[str, str], column: str) -> float:
    text = (row.get(column) or "").strip()
    try:
        value = float(text)
    except ValueError:
        raise DataError(
            table.path, f"line {table.line(row)}: {column}", f"expected a number, got {text!r}"
        ) from None
    if not math.isfinite(value) or value < 0:
        raise DataError(table.path, f"line {table.line(row)}: {column}", "must be finite, >= 0")
    return value


def _optional_number(table: Table, row: dict[str, str], column: str) -> float | None:
    """A number, or None for a cell the publisher left empty ('', '...', '-9')."""
    text = (row.get(column) or "").strip()
    if text in ("", "...", ". .", "xxx", "-9"):
        return None
    return _number(table, row, column)


def _lookup(table: Table, **key: str) -> dict[str, str] | None:
    """The single row whose columns equal the key; two matches are a DataError."""
    found = [r for r in table.rows if all(r.get(k) == v for k, v in key.items())]
    if len(found) > 1:
        where = ", ".join(f"{k}={v}" for k, v in key.items())
        raise DataError(table.path, f"line {table.line(found[1])}", f"{where} listed twice")
    return found[0] if found else None


def _transcribed(table: Table, row: dict[str, str]) -> str:
    """The publication of a transcribed row; a row without one is a figure without a source."""
    publication = (row.get("publication") or "").strip()
    if not publication:
        raise DataError(
            table.path,
            f"line {table.line(row)}: publication",
            "empty: every transcribed figure must name the publication it comes from",
        )
    return publication


# --------------------------------------------------------------------------- core figures


class _Raw:
    """All sources and extracts, read and checked once."""

    def __init__(self, raw_dir: Path) -> None:
        self.dir = raw_dir
        self.sources = {f: read_provenance(raw_dir, f) for f in FOLDERS}
        t = self.table
        self.gdp = t("world_bank_wdi_gdp", "gdp.csv", ["iso3", "year", "value"])
        self.pop = t("world_bank_wdi_population", "population.csv", ["iso3", "year", "value"])
        self.weo = t("imf_weo_2025_10", "ngdpd.csv", ["iso3", "year", "ngdpd_usd_bn"])
        milex_cols = ["iso3", "year", "current_usd_m", "current_usd_m_flag", "share_of_gdp"]
        self.milex = t("sipri_milex", "milex.csv", milex_cols)
        self.nmc = t("cow_nmc_6_0", "nmc.csv", ["iso3", "year", "cinc"])
        self.fas = t("fas_nuclear_forces_2023", "inventories.csv", ["country", "category"])
        self.caps = t("cepii_geodist", "capitals.csv", ["iso3", "city", "lat", "lon"])
        rows = ["iso3", "year", "quantity", "value", "publication", "locator"]
        self.bok = t("bank_of_korea_prk_gni", "transcription.csv", rows)
        self.wmeat = t("wmeat_2021_press", "transcription.csv", rows)
        self.moi = t("taiwan_moi_population", "transcription.csv", rows)
        dyad_cols = ["a", "b", "year", "trade_usd", "publication", "locator", "note"]
        self.dyads = t("trade_dyads_releases", "transcription.csv", dyad_cols)
        total_cols = ["iso3", "year", "trade_usd", "publication", "locator", "note"]
        self.totals = t("trade_totals_releases", "transcription.csv", total_cols)
        self.exports = t("world_bank_wdi_merch_exports", "exports.csv", ["iso3", "year", "value"])
        self.imports = t("world_bank_wdi_merch_imports", "imports.csv", ["iso3", "year", "value"])

    def table(self, folder: str, file: str, columns: Sequence[str]) -> Table:
        return read_table(self.dir / folder / file, columns)

    def cite(self, folder: str) -> str:
        return self.sources[folder].cite(FOLDERS[folder][0])

    def quantity(self, table: Table, iso3: str, quantity: str) -> tuple[float, str, dict]:
        """A transcribed quantity, its publication and its row; missing is a DataError."""
        row = _lookup(table, iso3=iso3, quantity=quantity)
        if row is None:
            raise DataError(table.path, "quantity", f"no row for {iso3} {quantity}")
        return _number(table, row, "value"), _transcribed(table, row), row


def _gdp(raw: _Raw) -> list[Fact]:
    """World Bank GDP; IMF WEO for Taiwan; a converted Bank of Korea estimate for North Korea."""
    year = YEARS["gdp_usd"]
    facts = []
    for iso3 in ACTORS:
        row = _lookup(raw.gdp, iso3=iso3, year=str(year))
        if row is not None:
            value = _number(raw.gdp, row, "value")
            facts.append(
                Fact(iso3, "gdp_usd", value, year, raw.cite("world_bank_wdi_gdp"), "sourced", "")
            )
    row = _lookup(raw.weo, iso3="TWN", year=str(year))
    if row is not None:
        value = _number(raw.weo, row, "ngdpd_usd_bn") * 1e9
        note = "No World Bank figure for Taiwan; IMF WEO October 2025, US$ bn to 3 decimals"
        facts.append(
            Fact("TWN", "gdp_usd", value, year, raw.cite("imf_weo_2025_10"), "sourced", note)
        )
    gni, pub_gni, _ = raw.quantity(raw.bok, "PRK", "gni_nominal")
    rate, pub_rate, _ = raw.quantity(raw.bok, "PRK", "krw_per_usd")
    central = gni / rate
    note = (
        "Estimate: Bank of Korea estimate of North Korea's nominal GNI (KRW) divided by the 2023 "
        f"average KRW/USD rate. GNI, not GDP; the Bank applies South Korean prices to North Korean "
        f"output, and North Korea has no market exchange rate, so the range is a factor of "
        f"{PRK_GDP_FACTOR:g} either way. Inputs: {pub_gni}; {pub_rate}"
    )
    facts.append(
        Fact(
            "PRK",
            "gdp_usd",
            central,
            year,
            raw.cite("bank_of_korea_prk_gni"),
            "estimated",
            note,
            central / PRK_GDP_FACTOR,
            central * PRK_GDP_FACTOR,
        )
    )
    return facts


def _milex(raw: _Raw, gdp: dict[str, float]) -> list[Fact]:
    """SIPRI current US$; labelled estimates for Viet Nam and North Korea, which SIPRI lacks."""
    year = YEARS["milex_usd"]
    facts = []
    sipri = raw.cite("sipri_milex")
    for iso3 in ACTORS:
        row = _lookup(raw.milex, iso3=iso3, year=str(year))
        if row is None:
            continue
        value = _optional_number(raw.milex, row, "current_usd_m")
        if value is None:
            continue
        flag = row["current_usd_m_flag"].replace("_", " ")
        note = f"SIPRI marks this figure: {flag}" if flag else ""
        facts.append(Fact(iso3, "milex_usd", value * 1e6, year, sipri, "sourced", note))
    facts.append(_milex_vietnam(raw, gdp, year))
    facts.append(_milex_north_korea(raw, year))
    return facts


def _milex_vietnam(raw: _Raw, gdp: dict[str, float], year: int) -> Fact:
    """SIPRI's last share of GDP (2018) applied to the current GDP; range from SIPRI's series."""
    shares: dict[int, float] = {}
    usd: dict[int, float] = {}
    for row in raw.milex.rows:
        if row["iso3"] != "VNM":
            continue
        share = _optional_number(raw.milex, row, "share_of_gdp")
        amount = _optional_number(raw.milex, row, "current_usd_m")
        if share is not None:
            shares[int(row["year"])] = share
        if amount is not None:
            usd[int(row["year"])] = amount * 1e6
    if not shares or not usd:
        raise DataError(raw.milex.path, "share_of_gdp", "no SIPRI figure for Viet Nam to build on")
    last = max(shares)
    central = shares[last] * gdp["VNM"]
    low = usd[max(usd)]
    high_year = max(shares, key=lambda y: (shares[y], y))
    high = shares[high_year] * gdp["VNM"]
    note = (
        f"Estimate: SIPRI has no figure for Viet Nam after {last} (its footnote: the defence "
        f"budget is a state secret). Value = SIPRI's {last} share of GDP ({shares[last]:.4f}) "
        f"x World Bank GDP {year}; low = SIPRI's {max(usd)} US$ figure (spending frozen since); "
        f"high = SIPRI's "
        f"highest share {min(shares)}-{last} ({shares[high_year]:.4f}, {high_year}) x GDP {year}"
    )
    source = f"{raw.cite('sipri_milex')}; {raw.cite('world_bank_wdi_gdp')}"
    return Fact("VNM", "milex_usd", central, year, source, "estimated", note, low, high)


def _milex_north_korea(raw: _Raw, year: int) -> Fact:
    """WMEAT 2021's stated range for 2019, carried to the target year; geometric midpoint."""
    low, pub_low, _ = raw.quantity(raw.wmeat, "PRK", "milex_low")
    high, pub_high, _ = raw.quantity(raw.wmeat, "PRK", "milex_high")
    if not 0 < low < high:
        raise DataError(raw.wmeat.path, "value", "milex_low must be positive and below milex_high")
    central = math.sqrt(low * high)
    note = (
        "Estimate: SIPRI gives no US$ figure for North Korea (its footnote: no economic data). "
        "Range = the US State Department's WMEAT 2021 range for 2019, carried to "
        f"{year} unchanged in US$; value = its geometric midpoint. Input: {pub_low}"
    )
    if pub_high != pub_low:
        note += f"; {pub_high}"
    return Fact(
        "PRK",
        "milex_usd",
        central,
        year,
        raw.cite("wmeat_2021_press"),
        "estimated",
        note,
        low,
        high,
    )


def _population(raw: _Raw) -> list[Fact]:
    """World Bank mid-year population; Taiwan's registered population from its Interior Ministry."""
    year = YEARS["population"]
    facts = []
    for iso3 in ACTORS:
        row = _lookup(raw.pop, iso3=iso3, year=str(year))
        if row is not None:
            value = _number(raw.pop, row, "value")
            facts.append(
                Fact(
                    iso3,
                    "population",
                    value,
                    year,
                    raw.cite("world_bank_wdi_population"),
                    "sourced",
                    "",
                )
            )
    row = _lookup(raw.moi, iso3="TWN", year=str(year), quantity="population")
    if row is not None:
        pub = _transcribed(raw.moi, row)
        note = f"Registered population at the end of {year}; transcribed from {pub}"
        value = _number(raw.moi, row, "value")
        facts.append(
            Fact(
                "TWN", "population", value, year, raw.cite("taiwan_moi_population"), "sourced", note
            )
        )
    return facts


def _cinc(raw: _Raw) -> list[Fact]:
    """COW NMC v6.0 composite index of national capability."""
    year = YEARS["cinc"]
    facts = []
    for iso3 in ACTORS:
        row = _lookup(raw.nmc, iso3=iso3, year=str(year))
        if row is not None:
            value = _number(raw.nmc, row, "cinc")
            note = f"COW state code {row.get('ccode', '')} ({row.get('stateabb', '')})"
            facts.append(Fact(iso3, "cinc", value, year, raw.cite("cow_nmc_6_0"), "sourced", note))
    return facts


def _warheads(raw: _Raw) -> list[Fact]:
    """FAS total inventory; an actor FAS does not list has none."""
    year = YEARS["nuclear_warheads"]
    listed = {r["country"] for r in raw.fas.rows}
    facts = []
    for name, iso3 in FAS_NAMES.items():
        row = _lookup(raw.fas, country=name, category="Total Inventory")
        if row is None:
            raise DataError(raw.fas.path, "category", f"no Total Inventory row for {name}")
        value = _number(raw.fas, row, "warheads")
        note = "Total inventory, including retired warheads awaiting dismantlement"
        facts.append(
            Fact(
                iso3,
                "nuclear_warheads",
                value,
                year,
                raw.cite("fas_nuclear_forces_2023"),
                "sourced",
                note,
            )
        )
    for iso3 in ACTORS:
        if iso3 not in FAS_NAMES.values():
            note = f"Not among the {len(listed)} nuclear-armed states FAS lists"
            facts.append(
                Fact(
                    iso3,
                    "nuclear_warheads",
                    0.0,
                    year,
                    raw.cite("fas_nuclear_forces_2023"),
                    "sourced",
                    note,
                )
            )
    return facts


def _transcribed_totals(raw: _Raw) -> dict[str, dict[str, str]]:
    """Check every transcribed total (actor known, listed once, publication named)."""
    rows: dict[str, dict[str, str]] = {}
    for row in raw.totals.rows:
        iso3 = row["iso3"]
        where = f"line {raw.totals.line(row)}: iso3"
        if iso3 not in ACTORS:
            raise DataError(raw.totals.path, where, f"unknown actor {iso3!r}")
        if iso3 in rows:
            raise DataError(raw.totals.path, where, "listed twice")
        _transcribed(raw.totals, row)
        _number(raw.totals, row, "trade_usd")
        rows[iso3] = row
    return rows


def total_year(iso3: str) -> int:
    """The year of an actor's total goods trade: YEARS, unless TOTAL_YEAR_EXCEPTIONS says other."""
    return TOTAL_YEAR_EXCEPTIONS.get(iso3, (YEARS["trade_total_usd"], ("", "")))[0]


def _wdi_flows(raw: _Raw, iso3: str, year: int) -> tuple[float | None, float | None]:
    """WDI merchandise exports and imports of one actor and year (None where there is none)."""
    flows = []
    for table in (raw.exports, raw.imports):
        row = _lookup(table, iso3=iso3, year=str(year))
        flows.append(None if row is None else _optional_number(table, row, "value"))
    return flows[0], flows[1]


def _exception_note(raw: _Raw, iso3: str, year: int, transcribed: dict[str, dict]) -> str:
    """Why an actor's total is for another year, with the usual year's figure for comparison."""
    usual = YEARS["trade_total_usd"]
    pair = TOTAL_YEAR_EXCEPTIONS[iso3][1]
    note = (
        f". {year}, not {usual}: the year of this actor's largest reported dyad "
        f"({pair[0]}-{pair[1]} in trade.csv), so that the total, which bounds the sum of its "
        "dyads, shares that dyad's year"
    )
    row = transcribed.get(iso3)
    if row is not None and int(_number(raw.totals, row, "year")) == year:
        other = _number(raw.totals, row, "trade_usd")
        note += (
            f"; cross-check: US${other / 1e9:,.2f} bn for {year} in "
            f"{_transcribed(raw.totals, row)} (data/raw/trade_totals_releases)"
        )
    exports, imports = _wdi_flows(raw, iso3, usual)
    if exports is not None and imports is not None:
        note += f"; the same WDI series gives US${(exports + imports) / 1e9:,.2f} bn for {usual}"
    return note


def _check_total_years(reported: Sequence[Dyad], raw: _Raw) -> None:
    """An actor's total taken for another year must share that year with the dyad it names."""
    for iso3, (year, pair) in TOTAL_YEAR_EXCEPTIONS.items():
        found = [d for d in reported if (d.a, d.b) == pair]
        own = [d for d in reported if iso3 in (d.a, d.b)]
        if found and found[0].trade < max(d.trade for d in own):
            raise DataError(
                raw.dyads.path,
                f"{pair[0]}-{pair[1]} trade_usd",
                f"no longer {iso3}'s largest reported dyad: update TOTAL_YEAR_EXCEPTIONS",
            )
        if not found or found[0].year != year:
            have = f"year {found[0].year}" if found else "no row"
            raise DataError(
                raw.dyads.path,
                f"{pair[0]}-{pair[1]} year",
                f"{iso3}'s total goods trade is taken for {year} to match this dyad, which has "
                f"{have}: update TOTAL_YEAR_EXCEPTIONS in analysis/world/build.py",
            )


def _trade_totals(raw: _Raw) -> list[Fact]:
    """Merchandise exports + imports from the WDI (WTO figures); a transcription where it has none.

    The World Bank lists no figure for Taiwan, so Taiwan's total is the Ministry of Finance's,
    transcribed. Transcribed totals of actors the WDI covers are checked but not used.
    """
    transcribed = _transcribed_totals(raw)
    wdi = f"{raw.cite('world_bank_wdi_merch_exports')}; {raw.cite('world_bank_wdi_merch_imports')}"
    facts = []
    for iso3 in ACTORS:
        year = total_year(iso3)
        exports, imports = _wdi_flows(raw, iso3, year)
        if exports is not None and imports is not None:
            note = (
                f"Merchandise exports US${exports / 1e9:,.2f} bn + imports "
                f"US${imports / 1e9:,.2f} bn "
                "(WDI TX.VAL.MRCH.CD.WT + TM.VAL.MRCH.CD.WT, compiled by the WTO)"
            )
            if iso3 == "PRK":
                note += (
                    "; a WTO estimate from North Korea's partners' reports, since North Korea "
                    "publishes no trade statistics"
                )
            if iso3 in TOTAL_YEAR_EXCEPTIONS:
                note += _exception_note(raw, iso3, year, transcribed)
            facts.append(
                Fact(iso3, "trade_total_usd", exports + imports, year, wdi, "sourced", note)
            )
            continue
        row = transcribed.get(iso3)
        if row is None or int(_number(raw.totals, row, "year")) != year:
            continue
        pub = _transcribed(raw.totals, row)
        note = f"No World Bank figure. {row['note']}. Transcribed from {pub}"
        value = _number(raw.totals, row, "trade_usd")
        source = raw.cite("trade_totals_releases")
        facts.append(Fact(iso3, "trade_total_usd", value, year, source, "sourced", note))
    return facts


#: Why a figure is missing, by indicator, for actors no source covers.
MISSING_REASON = {
    "trade_total_usd": (
        "Neither the World Bank's merchandise trade series nor a transcribed release gives a "
        "total for this actor and year"
    ),
}


def _complete(facts: list[Fact]) -> list[Fact]:
    """Add a 'none' row, with its reason, for each actor and indicator without a figure."""
    have = {(f.iso3, f.indicator) for f in facts}
    for indicator in UNITS:
        for iso3 in ACTORS:
            if (iso3, indicator) in have:
                continue
            reason = MISSING_REASON.get(indicator)
            if reason is None:
                raise DataError(
                    DATA_DIR / "raw", indicator, f"no figure and no stated reason for {iso3}"
                )
            facts.append(Fact(iso3, indicator, None, YEARS[indicator], "", "none", reason))
    return facts


# --------------------------------------------------------------------------- trade


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points, haversine on a 6371 km sphere."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _t_quantile(p: float, df: int) -> float:
    """Quantile of Student's t (stdlib only): bisection on the CDF by Simpson integration."""

    def pdf(t: float) -> float:
        c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
        return math.exp(c - (df + 1) / 2 * math.log1p(t * t / df))

    def cdf(x: float) -> float:
        steps = 2000
        h = x / steps
        total = pdf(0.0) + pdf(x)
        total += sum((4 if i % 2 else 2) * pdf(i * h) for i in range(1, steps))
        return 0.5 + total * h / 3

    lo, hi = 0.0, 100.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cdf(mid) < p else (lo, mid)
    return (lo + hi) / 2


#: A pair's regressors: a function of the two actors' codes.
Regressors = Callable[[str, str], np.ndarray]

#: The model's terms, in the order of its coefficients.
GRAVITY_TERMS = ("intercept", "ln_trade_product", "ln_distance_km")
#: The previous specification (GDP as mass, a North Korea dummy), fitted only for comparison.
PREVIOUS_TERMS = ("intercept", "ln_gdp_product", "ln_distance_km", "north_korea")


def _trade_mass(mass: dict[str, float], caps: dict[str, tuple[float, float]]) -> Regressors:
    """1, ln(X_a X_b) with X the actors' total goods trade, ln(distance between capitals)."""

    def x(a: str, b: str) -> np.ndarray:
        km = _distance_km(caps[a], caps[b])
        return np.array([1.0, math.log(mass[a] * mass[b]), math.log(km)])

    return x


def _gdp_mass(gdp: dict[str, float], caps: dict[str, tuple[float, float]]) -> Regressors:
    """The previous specification: 1, ln(GDP_a GDP_b), ln(distance), North Korea indicator."""

    def x(a: str, b: str) -> np.ndarray:
        km = _distance_km(caps[a], caps[b])
        nk = 1.0 if "PRK" in (a, b) else 0.0
        return np.array([1.0, math.log(gdp[a] * gdp[b]), math.log(km), nk])

    return x


def _ols(
    dyads: Sequence[Dyad], regressors: Regressors
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Design matrix, log trade and OLS coefficients."""
    x = np.array([regressors(d.a, d.b) for d in dyads])
    y = np.array([math.log(d.trade) for d in dyads])
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    return x, y, coef


def loo_errors(reported: Iterable[Dyad], regressors: Regressors) -> dict[tuple[str, str], float]:
    """Leave-one-out prediction error of each reported dyad, in log points (actual - predicted)."""
    dyads = sorted(reported, key=lambda d: (d.a, d.b))
    errors = {}
    for i, left_out in enumerate(dyads):
        _, _, coef = _ols(dyads[:i] + dyads[i + 1 :], regressors)
        predicted = float(regressors(left_out.a, left_out.b) @ coef)
        errors[(left_out.a, left_out.b)] = math.log(left_out.trade) - predicted
    return errors


def _rms(values: Iterable[float]) -> float:
    v = list(values)
    return math.sqrt(sum(e * e for e in v) / len(v))


def fit_gravity(
    reported: Iterable[Dyad], regressors: Regressors, names: Sequence[str] = GRAVITY_TERMS
) -> GravityFit:
    """OLS of ln(trade) on the regressors, with what the prediction intervals need."""
    dyads = sorted(reported, key=lambda d: (d.a, d.b))
    x, y, coef = _ols(dyads, regressors)
    n, k = x.shape
    if n <= k:
        raise DataError(
            DATA_DIR / "raw" / "trade_dyads_releases",
            "",
            f"{n} reported dyads cannot fit {k} terms",
        )
    resid = y - x @ coef
    df = n - k
    resid_sd = float(math.sqrt(resid @ resid / df))
    r2 = float(1 - (resid @ resid) / ((y - y.mean()) @ (y - y.mean())))
    return GravityFit(
        names=tuple(names),
        coef=coef,
        xtx_inv=np.linalg.inv(x.T @ x),
        resid_sd=resid_sd,
        n=n,
        r2=r2,
        t_quantile=_t_quantile(0.5 + GRAVITY_COVERAGE / 2, df),
        residuals={(d.a, d.b): float(r) for d, r in zip(dyads, resid, strict=True)},
    )


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _reported_dyads(raw: _Raw) -> list[Dyad]:
    """Transcribed dyads, each unordered pair at most once."""
    seen: dict[tuple[str, str], int] = {}
    dyads = []
    table = raw.dyads
    for row in table.rows:
        line = table.line(row)
        a, b = row["a"].strip(), row["b"].strip()
        for col, code in (("a", a), ("b", b)):
            if code not in ACTORS:
                raise DataError(table.path, f"line {line}: {col}", f"unknown actor {code!r}")
        if a == b:
            raise DataError(table.path, f"line {line}: b", "a dyad needs two different actors")
        pair = _pair(a, b)
        if pair in seen:
            raise DataError(
                table.path,
                f"line {line}: a,b",
                f"dyad {pair[0]}-{pair[1]} listed twice (first on line {seen[pair]})",
            )
        seen[pair] = line
        pub = _transcribed(table, row)
        note = f"{row['note']}. Transcribed from {pub}".strip(". ")
        trade = _number(table, row, "trade_usd")
        if trade <= 0:
            raise DataError(table.path, f"line {line}: trade_usd", "must be positive")
        year = int(_number(table, row, "year"))
        dyads.append(Dyad(*pair, year, trade, raw.cite("trade_dyads_releases"), False, note))
    return dyads


@dataclass
class GravityResult:
    """The fitted model and what the report says about it."""

    fit: GravityFit
    loo: dict[tuple[str, str], float]
    previous_fit: GravityFit
    previous_loo: dict[tuple[str, str], float]


def _capitals(raw: _Raw) -> dict[str, tuple[float, float]]:
    caps: dict[str, tuple[float, float]] = {}
    for iso3 in ACTORS:
        row = _lookup(raw.caps, iso3=iso3)
        if row is None:
            raise DataError(raw.caps.path, "iso3", f"no capital for {iso3}")
        caps[iso3] = (float(row["lat"]), float(row["lon"]))
    return caps


def _trade(
    raw: _Raw, gdp: dict[str, float], mass: dict[str, float]
) -> tuple[list[Dyad], GravityResult]:
    """All 120 pairs: the reported ones, and a gravity estimate for the rest."""
    caps = _capitals(raw)
    for iso3 in ACTORS:
        if iso3 not in mass:
            raise DataError(raw.dir, f"{iso3} trade_total_usd", "the gravity model needs it")
    reported = _reported_dyads(raw)
    regressors = _trade_mass(mass, caps)
    fit = fit_gravity(reported, regressors)
    previous = _gdp_mass(gdp, caps)
    result = GravityResult(
        fit=fit,
        loo=loo_errors(reported, regressors),
        previous_fit=fit_gravity(reported, previous, PREVIOUS_TERMS),
        previous_loo=loo_errors(reported, previous),
    )
    have = {(d.a, d.b) for d in reported}
    source = (
        "Gravity estimate fitted on the reported dyads (data/raw/trade_dyads_releases); inputs: "
        f"total goods trade (trade_total_usd, {_total_years_text()}) from facts.csv, "
        f"great-circle distance between capitals from {raw.cite('cepii_geodist')}"
    )
    dyads = list(reported)
    for a, b in itertools.combinations(sorted(ACTORS), 2):
        if (a, b) in have:
            continue
        median, low, high = fit.predict(regressors(a, b))
        km = _distance_km(caps[a], caps[b])
        note = (
            "Estimated: median of ln T = b0 + b1 ln(X_a X_b) + b2 ln d, X = total goods trade, "
            f"d = {km:.0f} km; low-high = {GRAVITY_COVERAGE:.0%} prediction interval "
            "(gravity_fit.yaml)"
        )
        if "PRK" in (a, b):
            note += (
                ". North Korea's sanctions enter only through its small total trade; its two "
                "reported partners are China and Russia, so partners that enforce a full ban "
                "trade far less than the gravity median"
            )
        year = min(total_year(a), total_year(b))  # an estimate is as old as its oldest input
        dyads.append(Dyad(a, b, year, median, source, True, note, low, high))
    return dyads, result


def _total_years_text() -> str:
    """'2023' or '2023 (PRK 2022)': the years of the totals the estimates rest on."""
    text = str(YEARS["trade_total_usd"])
    others = ", ".join(f"{i} {y}" for i, (y, _) in sorted(TOTAL_YEAR_EXCEPTIONS.items()))
    return f"{text} ({others})" if others else text


# --------------------------------------------------------------------------- balancing

#: Relative slack of the 'does not exceed its total' test (floating-point rounding only).
BALANCE_TOLERANCE = 1e-9
#: Passes after which the balancing stops with an error (it needs one; see balance_to_totals).
BALANCE_MAX_PASSES = 50
#: The rule, as gravity_fit.yaml states it.
BALANCE_RULE = (
    "After the gravity prediction, for every actor i with a sourced total goods trade T_i "
    "(facts.csv trade_total_usd): R_i = the sum of its reported dyads, E_i = the sum of its "
    "estimated dyads, f_i = min(1, max(0, T_i - R_i) / E_i); every estimated dyad (i, j) is "
    "multiplied by min(f_i, f_j), its low and high by the same factor (the interval keeps its "
    "width in logs); repeated until no actor's R_i + E_i exceeds T_i. Downward only: what an "
    "actor's dyads leave of its total is its trade with the rest of the world, so a total is an "
    "upper bound, not a margin to be met. R_i counts every reported dyad whatever its year."
)
BALANCE_METHOD = (
    "One-sided (upper-bound-only) form of biproportional matrix balancing, the RAS family: "
    "Bacharach, M. (1970), Biproportional Matrices and Input-Output Change, Cambridge "
    "University Press. RAS scales rows and columns until they meet given margins; here the "
    "matrix is symmetric, the margins are ceilings, and factors only fall."
)
BALANCE_ZERO = (
    "If R_i >= T_i (the reported dyads alone reach the total, e.g. through a year mismatch), "
    "f_i = 0: the actor's estimated dyads are set to 0 with low = high = 0, stay labelled "
    "estimated, and say so in their note."
)


@dataclass
class Balance:
    """What balance_to_totals did, per actor (US$), for gravity_fit.yaml."""

    totals: dict[str, float]
    years: dict[str, int]
    reported: dict[str, float]
    before: dict[str, float]
    after: dict[str, float]
    factors: dict[str, float]
    passes: int
    dyads_scaled: int


def _usd(x: float) -> str:
    """A US$ amount for a note: US$1.564 bn, US$317 m, US$0."""
    if x >= 1e9:
        return f"US${x / 1e9:,.4g} bn"
    if x >= 1e6:
        return f"US${x / 1e6:.3g} m"
    if x > 0:
        return f"US${x / 1e3:.3g} thousand"
    return "US$0"


def _sums(dyads: Iterable[tuple[str, str, float]], actors: Iterable[str]) -> dict[str, float]:
    sums = dict.fromkeys(actors, 0.0)
    for a, b, value in dyads:
        for iso3 in (a, b):
            if iso3 in sums:
                sums[iso3] += value
    return sums


def balance_to_totals(
    dyads: Sequence[Dyad], totals: dict[str, tuple[float, int]], path: Path
) -> tuple[list[Dyad], Balance]:
    """Scale the estimated dyads down until no actor's dyads add up to more than its total.

    `totals` maps each actor with a sourced total to (US$, year). The rule is BALANCE_RULE: each
    pass computes every actor's factor f_i = min(1, (T_i - R_i)+ / E_i) on the same state and
    multiplies each estimated dyad by the smaller factor of its two actors, so that one pass
    already brings every actor within its total (each of its dyads is multiplied by at most f_i);
    the loop checks it, and stops with a DataError if it ever does not. Reported dyads are not
    touched. Each scaled dyad's note states its factor, the actor that set it and why.
    """
    actors = sorted(totals)
    reported = _sums(((d.a, d.b, d.trade) for d in dyads if not d.estimated), actors)
    room = {i: max(0.0, totals[i][0] - reported[i]) for i in actors}
    values = {(d.a, d.b): d.trade for d in dyads if d.estimated}
    scale = dict.fromkeys(values, 1.0)
    own = dict.fromkeys(actors, 1.0)
    before = _sums(((a, b, v) for (a, b), v in values.items()), actors)
    passes = 0
    while True:
        current = _sums(((a, b, v) for (a, b), v in values.items()), actors)
        factor = {
            i: 1.0 if current[i] <= room[i] * (1 + BALANCE_TOLERANCE) else room[i] / current[i]
            for i in actors
        }
        if all(f == 1.0 for f in factor.values()):
            break
        passes += 1
        if passes > BALANCE_MAX_PASSES:
            raise DataError(path, "trade_usd", "balancing to the totals does not converge")
        for a, b in values:
            m = min(factor.get(a, 1.0), factor.get(b, 1.0))
            values[(a, b)] *= m
            scale[(a, b)] *= m
        for i in actors:
            own[i] *= factor[i]
    balance = Balance(
        totals={i: totals[i][0] for i in actors},
        years={i: totals[i][1] for i in actors},
        reported=reported,
        before=before,
        after=_sums(((a, b, v) for (a, b), v in values.items()), actors),
        factors=own,
        passes=passes,
        dyads_scaled=sum(k < 1.0 for k in scale.values()),
    )
    out = []
    for d in dyads:
        k = scale.get((d.a, d.b), 1.0)
        if not d.estimated or k == 1.0:
            out.append(d)
            continue
        out.append(
            Dyad(
                d.a,
                d.b,
                d.year,
                d.trade * k,
                d.source,
                True,
                d.note + _balance_note(d, k, balance),
                None if d.low is None else d.low * k,
                None if d.high is None else d.high * k,
            )
        )
    return out, balance


def _balance_note(d: Dyad, k: float, balance: Balance) -> str:
    """Why a dyad was scaled: the factor, the actor that set it, and that actor's figures."""
    pair = [i for i in (d.a, d.b) if i in balance.factors]
    setter = min(pair, key=lambda i: (balance.factors[i], i))
    t, year = balance.totals[setter], balance.years[setter]
    r, e = balance.reported[setter], balance.before[setter]
    before = f"{_usd(d.trade)} ({_usd(d.low or 0)}-{_usd(d.high or 0)})"
    if k == 0.0:
        return (
            f". Set to 0 (factor 0) by balancing to the sourced totals (gravity_fit.yaml "
            f"balancing): {setter}'s reported dyads ({_usd(r)}) alone reach or exceed its total "
            f"goods trade ({_usd(t)}, {year}), which leaves nothing for its estimated dyads; low "
            f"and high are 0 too, and the dyad stays a labelled estimate. Gravity median and "
            f"interval before: {before}"
        )
    return (
        f". Scaled by {k:.3g} by balancing to the sourced totals (gravity_fit.yaml balancing), "
        f"{setter}'s factor: its reported dyads ({_usd(r)}) and the gravity estimates of its "
        f"other dyads ({_usd(e)}) add up to more than its total goods trade ({_usd(t)}, {year}), "
        f"so its estimated dyads share the {_usd(max(0.0, t - r))} left; low and high scaled by "
        f"the same factor. Gravity median and interval before: {before}"
    )


# --------------------------------------------------------------------------- writing


def _round_sig(x: float, digits: int) -> float:
    if x == 0:
        return 0.0
    return round(x, digits - 1 - int(math.floor(math.log10(abs(x)))))


def _fmt(value: float | None, unit: str, estimated: bool) -> str:
    """Fixed formats: whole numbers for US$, persons and warheads; shares as the shortest repr."""
    if value is None:
        return ""
    if estimated:
        value = _round_sig(value, ESTIMATE_DIGITS)
    if unit == "share":
        return repr(float(value))
    return str(int(round(value)))


def _check_sources(facts: Sequence[Fact], dyads: Sequence[Dyad], raw_dir: Path) -> None:
    """No figure leaves the build without a source; estimates carry their range."""
    for f in facts:
        where = f"{f.iso3} {f.indicator}"
        if f.status != "none" and not f.source.strip():
            raise DataError(raw_dir, where, "the build would write a figure without a source")
        if f.status == "none" and not f.note.strip():
            raise DataError(raw_dir, where, "a missing figure needs its reason in the note")
        if f.status == "estimated" and (f.low is None or f.high is None):
            raise DataError(raw_dir, where, "an estimate needs its low-high range")
    for d in dyads:
        if not d.source.strip():
            raise DataError(
                raw_dir, f"{d.a}-{d.b}", "the build would write a dyad without a source"
            )


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _balance_report(balance: Balance) -> dict[str, Any]:
    """The balancing section of gravity_fit.yaml: the rule, its source, the factor per actor."""
    scaled = [i for i in sorted(balance.factors) if balance.factors[i] < 1.0]
    changed = [i for i in sorted(balance.after) if balance.after[i] != balance.before[i]]
    return {
        "rule": BALANCE_RULE,
        "method": BALANCE_METHOD,
        "zero": BALANCE_ZERO,
        "convergence": (
            "One pass brings every actor within its total, since each of an actor's estimated "
            "dyads is multiplied by at most that actor's factor; the loop checks it (passes = "
            "the passes that scaled something)"
        ),
        "passes": balance.passes,
        "factors": {i: float(f"{balance.factors[i]:.6g}") for i in sorted(balance.factors)},
        "actors_scaled": {
            i: {
                "factor": float(f"{balance.factors[i]:.6g}"),
                "total_usd": int(round(balance.totals[i])),
                "total_year": balance.years[i],
                "reported_usd": int(round(balance.reported[i])),
                "estimated_before_usd": int(round(balance.before[i])),
                "estimated_after_usd": int(round(balance.after[i])),
            }
            for i in scaled
        },
        "estimated_trade_removed_usd": {
            i: int(round(balance.before[i] - balance.after[i])) for i in changed
        },
        "dyads_scaled": balance.dyads_scaled,
    }


def _fit_report(result: GravityResult, dyads: Sequence[Dyad], balance: Balance) -> dict[str, Any]:
    def r6(x: float) -> float:
        return float(f"{x:.6g}")

    fit, old = result.fit, result.previous_fit
    ratios = sorted(d.high / d.low for d in dyads if d.estimated and d.low and d.high)
    years = sorted({d.year for d in dyads if not d.estimated})
    prk_loo = max(abs(e) for pair, e in result.previous_loo.items() if "PRK" in pair)
    return {
        "model": "ln T_ab = b0 + b1 ln(X_a * X_b) + b2 ln(distance_ab) + e",
        "estimator": "ordinary least squares on logs (numpy.linalg.lstsq)",
        "terms": {
            "intercept": "b0",
            "ln_trade_product": (
                "b1: X = each actor's total goods trade with the world, exports + imports, US$ "
                f"(facts.csv trade_total_usd, {_total_years_text()}: World Bank WDI merchandise "
                "trade, compiled by the WTO; Taiwan from its Ministry of Finance)"
            ),
            "ln_distance_km": "b2: great-circle distance between capitals, km (CEPII GeoDist)",
        },
        "coefficients": {name: r6(c) for name, c in zip(fit.names, fit.coef, strict=True)},
        "n": fit.n,
        "degrees_of_freedom": fit.n - len(fit.names),
        "r_squared": r6(fit.r2),
        "residual_sd_log": r6(fit.resid_sd),
        "leave_one_out_rmse_log": r6(_rms(result.loo.values())),
        "leave_one_out_errors_log": {f"{a}-{b}": r6(e) for (a, b), e in sorted(result.loo.items())},
        "prediction_interval": {
            "coverage": GRAVITY_COVERAGE,
            "t_quantile": r6(fit.t_quantile),
            "formula": "exp(xb +/- t * s * sqrt(1 + x'(X'X)^-1 x))",
            "high_over_low": {
                "min": r6(ratios[0]),
                "median": r6(ratios[len(ratios) // 2]),
                "max": r6(ratios[-1]),
            },
        },
        "residuals_log": {f"{a}-{b}": r6(r) for (a, b), r in sorted(fit.residuals.items())},
        "dyads_reported": sum(not d.estimated for d in dyads),
        "dyads_estimated": sum(d.estimated for d in dyads),
        "reported_years": years,
        "previous_specification": {
            "model": "ln T_ab = b0 + b1 ln(GDP_a * GDP_b) + b2 ln(distance_ab) + b3 NK_ab + e",
            "coefficients": {name: r6(c) for name, c in zip(old.names, old.coef, strict=True)},
            "r_squared": r6(old.r2),
            "residual_sd_log": r6(old.resid_sd),
            "leave_one_out_rmse_log": r6(_rms(result.previous_loo.values())),
            "leave_one_out_errors_log": {
                f"{a}-{b}": r6(e) for (a, b), e in sorted(result.previous_loo.items())
            },
            "why_replaced": (
                "Its North Korea dummy rests on two dyads (China, Russia), so leaving either out "
                f"misses it by {prk_loo:.1f} log points; total trade is a sourced figure for all "
                "16 actors that carries openness (Singapore, Viet Nam, Malaysia) and North "
                "Korea's isolation directly, with one coefficient fewer, and it predicts the left-"
                "out dyads better"
            ),
        },
        "balancing": _balance_report(balance),
        "note": (
            "Fitted on the reported dyads only (the transcribed releases: no original table of "
            "bilateral trade was found); estimates are medians of a log-normal, with the interval "
            "from the residual spread, then scaled down where an actor's dyads would exceed its "
            "total (balancing). Reported dyads mix 2022 and 2023 and are regressed on the totals "
            f"of {_total_years_text()}. Each actor's total includes its trade with the partner, "
            "so the mass term is not independent of the dyad it explains. An estimated dyad's "
            "year is the older of its two actors' total years."
        ),
    }


def build(raw_dir: Path, out_dir: Path) -> None:
    """Read data/raw/, check it, and write facts.csv, trade.csv and gravity_fit.yaml to out_dir."""
    raw = _Raw(Path(raw_dir))
    facts = _gdp(raw)
    gdp = {f.iso3: float(f.value) for f in facts if f.value is not None}
    facts += _milex(raw, gdp)
    facts += _population(raw)
    facts += _cinc(raw)
    facts += _warheads(raw)
    facts += _trade_totals(raw)
    facts = _complete(facts)
    mass = {
        f.iso3: float(f.value)
        for f in facts
        if f.indicator == "trade_total_usd" and f.value is not None
    }
    dyads, fit = _trade(raw, gdp, mass)
    _check_total_years([d for d in dyads if not d.estimated], raw)
    totals = {
        f.iso3: (float(f.value), f.year)
        for f in facts
        if f.indicator == "trade_total_usd" and f.status == "sourced" and f.value is not None
    }
    dyads, balance = balance_to_totals(dyads, totals, raw.dyads.path)
    _check_sources(facts, dyads, Path(raw_dir))

    seen: set[tuple[str, str]] = set()
    for f in facts:
        if (f.iso3, f.indicator) in seen:
            raise DataError(Path(raw_dir), f"{f.iso3} {f.indicator}", "two figures for one actor")
        seen.add((f.iso3, f.indicator))

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fact_rows = []
    for f in sorted(facts, key=lambda f: (f.indicator, f.iso3)):
        unit = UNITS[f.indicator]
        est = f.status == "estimated"
        fact_rows.append(
            [
                f.iso3,
                f.indicator,
                _fmt(f.value, unit, est),
                unit,
                f.year,
                f.source,
                f.status,
                _fmt(f.low, unit, est),
                _fmt(f.high, unit, est),
                f.note,
            ]
        )
    _write_csv(out / "facts.csv", FACT_COLUMNS, fact_rows)
    trade_rows = [
        [
            d.a,
            d.b,
            d.year,
            _fmt(d.trade, "USD", d.estimated),
            d.source,
            "true" if d.estimated else "false",
            _fmt(d.low, "USD", d.estimated),
            _fmt(d.high, "USD", d.estimated),
            d.note,
        ]
        for d in sorted(dyads, key=lambda d: (d.a, d.b))
    ]
    _write_csv(out / "trade.csv", TRADE_COLUMNS, trade_rows)
    report = yaml.safe_dump(
        _fit_report(fit, dyads, balance), sort_keys=False, allow_unicode=True, width=100
    )
    (out / "gravity_fit.yaml").write_text(report, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: build from --raw into --out."""
    parser = argparse.ArgumentParser(description="Build facts.csv and trade.csv from data/raw/.")
    parser.add_argument("--raw", type=Path, default=DATA_DIR / "raw", help="folder of raw extracts")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="where to write the outputs")
    args = parser.parse_args(argv)
    build(args.raw, args.out)


if __name__ == "__main__":
    main()
