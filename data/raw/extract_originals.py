"""Re-create the extracts in data/raw/ from the original files (documentation of the extraction).

This script is not part of the build and is not run by the tests: it records, as code, how each
extract CSV was cut from its original file, so that anyone holding the same originals can redo it.
Each original is read straight out of a snapshot of the public repository that mirrors it (a bare
git directory), at the commit named in the folder's PROVENANCE.yaml.

Needs openpyxl and xlrd (to read the SIPRI workbook and the IMF DataMapper export), which the
project itself does not depend on; run it in a scratch environment:

    python -m venv /tmp/x && /tmp/x/bin/pip install openpyxl xlrd
    /tmp/x/bin/python data/raw/extract_originals.py --mirrors /work/.mirror

It prints the SHA-256 of every original it read; they must equal the ones in PROVENANCE.yaml.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import subprocess
from pathlib import Path

RAW = Path(__file__).resolve().parent

ACTORS = "USA CHN JPN KOR PRK RUS AUS IND PHL TWN VNM IDN SGP THA MYS NZL".split()
YEARS = range(2015, 2025)

#: repository -> (commit, path) of each original file.
ORIGINALS = {
    "wdi_gdp": ("datasets/gdp", "822019c80142c162e4ca4eb1a63699ae36075078", "data/gdp.csv"),
    "wdi_pop": (
        "datasets/population",
        "425fc447a53a26c767a15a7de60c4cc2478a0595",
        "data/population.csv",
    ),
    "sipri": (
        "shruti-01-narwat/Global_Military_Expenditure_Dashboard",
        "ce37e1454c8d4e14990dc9cafd9aea0a83f5c4f6",
        "SIPRI-Milex-data-1949-2024_2.xlsx",
    ),
    "weo": (
        "setupelz/fair-shares",
        "868b6b0ec7260a4676ba002d23570b5b992cfe12",
        "data/gdp/imf-2025/imf-dm-export-20251119_MER.xls",
    ),
    "nmc": (
        "jcook125/Slide-Deck-Rmd",
        "71c64df1b9bf005b0a7d5a6d77e0560fe1bef0d0",
        "NMC-60-abridged.csv",
    ),
    "fas": (
        "owid/notebooks",
        "d630acfedbb1ae105e3c19f8ebe887da6134009a",
        "BastianHerre/nuclear_weapons/Federation of American Scientists (2023) nuclear weapons"
        " inventories/nuclear_weapons_inventories_2023_raw.csv",
    ),
    "wdi_merch_exports": (
        "datasets/world-development-indicators",
        "4ebec5a2273f531ba238a34dbe440394dc5a6c4b",
        "indicators/tx.val.mrch.cd.wt/data.csv",
    ),
    "wdi_merch_imports": (
        "datasets/world-development-indicators",
        "4ebec5a2273f531ba238a34dbe440394dc5a6c4b",
        "indicators/tm.val.mrch.cd.wt/data.csv",
    ),
    "cepii": (
        "brysagay/Datascience_project",
        "db01a5c1ffe8915c51e0da8a207218cdff9d1d41",
        "geo_cepii.xls",
    ),
}

SIPRI_NAMES = {
    "United States of America": "USA",
    "China": "CHN",
    "Japan": "JPN",
    "Korea, South": "KOR",
    "Korea, North": "PRK",
    "Russia": "RUS",
    "Australia": "AUS",
    "India": "IND",
    "Philippines": "PHL",
    "Taiwan": "TWN",
    "Viet Nam": "VNM",
    "Indonesia": "IDN",
    "Singapore": "SGP",
    "Thailand": "THA",
    "Malaysia": "MYS",
    "New Zealand": "NZL",
}
#: SIPRI marks its own estimates in blue and highly uncertain figures in red (sheet header).
SIPRI_COLOURS = {"FF0000FF": "sipri_estimate", "FFFF0000": "highly_uncertain"}
COW_CODES = {
    2: "USA",
    710: "CHN",
    740: "JPN",
    732: "KOR",
    731: "PRK",
    365: "RUS",
    900: "AUS",
    750: "IND",
    840: "PHL",
    713: "TWN",
    816: "VNM",
    850: "IDN",
    830: "SGP",
    800: "THA",
    820: "MYS",
    920: "NZL",
}


def original(mirrors: Path, key: str) -> bytes:
    """The bytes of one original file, read from the repository snapshot at its commit."""
    repo, commit, path = ORIGINALS[key]
    git_dir = mirrors / repo.replace("/", "+") / "repo"
    data = subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"{commit}:{path}"],
        check=True,
        capture_output=True,
    ).stdout
    print(f"{key}: {repo}@{commit}:{path} sha256={hashlib.sha256(data).hexdigest()}")
    return data


def write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    """Write an extract with a fixed header and LF line ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def wdi(data: bytes, out: Path) -> None:
    """Rows of the 16 actors (those the World Bank lists), 2015-2024, value as published."""
    rows = [
        [r["Country Code"], r["Country Name"], r["Year"], r["Value"]]
        for r in csv.DictReader(io.StringIO(data.decode("utf-8")))
        if r["Country Code"] in ACTORS and int(r["Year"]) in YEARS
    ]
    write(out, ["iso3", "country_name", "year", "value"], sorted(rows, key=lambda r: r[:3]))


def sipri(data: bytes, out: Path) -> None:
    """Sheets 'Current US$' and 'Share of GDP', 2015-2024; Viet Nam's share also 2008-2014."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    cells: dict[tuple[str, int], dict[str, object]] = {}
    for sheet, field in (("Current US$", "current_usd_m"), ("Share of GDP", "share_of_gdp")):
        ws = wb[sheet]
        header = None
        for row in ws.iter_rows():
            first = row[0].value
            if first == "Country":
                header = [c.value for c in row]
                continue
            if header is None or first not in SIPRI_NAMES:
                continue
            iso3 = SIPRI_NAMES[first]
            for cell, year in zip(row, header, strict=False):
                if not isinstance(year, (int, float)):
                    continue
                year = int(year)
                if year not in YEARS and not (iso3 == "VNM" and 2008 <= year):
                    continue
                rec = cells.setdefault((iso3, year), {"sipri_country": first})
                rec["notes"] = row[1].value or ""
                rec[field] = cell.value
                colour = cell.font.color.rgb if cell.font and cell.font.color else None
                rec[field + "_flag"] = SIPRI_COLOURS.get(
                    colour if isinstance(colour, str) else "", ""
                )
    rows = [
        [
            iso3,
            rec["sipri_country"],
            year,
            rec.get("current_usd_m", ""),
            rec.get("current_usd_m_flag", ""),
            rec.get("share_of_gdp", ""),
            rec.get("share_of_gdp_flag", ""),
            rec["notes"],
        ]
        for (iso3, year), rec in sorted(cells.items())
    ]
    write(
        out,
        [
            "iso3",
            "sipri_country",
            "year",
            "current_usd_m",
            "current_usd_m_flag",
            "share_of_gdp",
            "share_of_gdp_flag",
            "sipri_notes",
        ],
        rows,
    )


def weo(data: bytes, out: Path) -> None:
    """Taiwan's row of NGDPD (billions of US$), 2015-2024."""
    import xlrd

    book = xlrd.open_workbook(file_contents=data, ignore_workbook_corruption=True)
    sheet = book.sheet_by_name("NGDPD")
    years = sheet.row_values(0)
    rows = []
    for i in range(1, sheet.nrows):
        r = sheet.row_values(i)
        if r[0] == "Taiwan Province of China":
            for year, value in zip(years[1:], r[1:], strict=True):
                if int(year) in YEARS:
                    rows.append(["TWN", r[0], int(year), value])
    write(out, ["iso3", "weo_country", "year", "ngdpd_usd_bn"], rows)


def nmc(data: bytes, out: Path) -> None:
    """NMC rows of the 16 actors, 2015-2016 (v6.0 ends in 2016), as published plus iso3."""
    reader = csv.reader(io.StringIO(data.decode("utf-8")))
    header = next(reader)
    rows = [
        [COW_CODES[int(r[1])], *r] for r in reader if int(r[1]) in COW_CODES and int(r[2]) in YEARS
    ]
    write(out, ["iso3", *header], sorted(rows, key=lambda r: (r[0], r[3])))


def fas(data: bytes, out: Path) -> None:
    """The whole table (nine states, five categories), turned from wide UTF-16 to long."""
    lines = data.decode("utf-16").splitlines()
    table = [line.split("\t") for line in lines if line.strip()]
    countries = [c.strip() for c in table[0][1:]]
    rows = []
    for r in table[1:]:
        category = r[0].strip()
        if category.startswith("SUM("):
            continue  # the sheet's own check row repeats Total Inventory for two states
        for country, value in zip(countries, r[1:], strict=False):
            rows.append([country, category, value.strip()])
    write(out, ["country", "category", "warheads"], rows)


def cepii(data: bytes, out: Path) -> None:
    """Capital city (cap == 1) of the 16 actors with its latitude and longitude."""
    import xlrd

    book = xlrd.open_workbook(file_contents=data)
    sheet = book.sheet_by_index(0)
    header = sheet.row_values(0)
    rows = []
    for i in range(1, sheet.nrows):
        r = dict(zip(header, sheet.row_values(i), strict=True))
        if r["iso3"] in ACTORS and r["cap"] == 1:
            rows.append([r["iso3"], r["city_en"], r["lat"], r["lon"]])
    write(out, ["iso3", "city", "lat", "lon"], sorted(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mirrors", type=Path, required=True, help="folder of repository snapshots"
    )
    args = parser.parse_args()
    m = args.mirrors
    wdi(original(m, "wdi_gdp"), RAW / "world_bank_wdi_gdp" / "gdp.csv")
    wdi(original(m, "wdi_pop"), RAW / "world_bank_wdi_population" / "population.csv")
    wdi(original(m, "wdi_merch_exports"), RAW / "world_bank_wdi_merch_exports" / "exports.csv")
    wdi(original(m, "wdi_merch_imports"), RAW / "world_bank_wdi_merch_imports" / "imports.csv")
    sipri(original(m, "sipri"), RAW / "sipri_milex" / "milex.csv")
    weo(original(m, "weo"), RAW / "imf_weo_2025_10" / "ngdpd.csv")
    nmc(original(m, "nmc"), RAW / "cow_nmc_6_0" / "nmc.csv")
    fas(original(m, "fas"), RAW / "fas_nuclear_forces_2023" / "inventories.csv")
    cepii(original(m, "cepii"), RAW / "cepii_geodist" / "capitals.csv")


if __name__ == "__main__":
    main()
