"""Every table a reader sees, styled in one place: text left, numbers right, shared units in
the column header, number formats, a caption and a stable id.

The pandas Styler does this without a new dependency and keeps the DataFrame underneath,
which the command line and scripts read; great-tables would bring its own theme to reconcile
with the briefs' print stylesheet and a table object that is no longer a frame.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
from collections.abc import Callable, Hashable, Mapping

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_float_dtype, is_numeric_dtype
from pandas.io.formats.style import Styler

from analysis.model.registry import FORMATS

__all__ = ["Table", "is_numeric", "table"]

#: A number as a reader sees it, and as the registry's formats write it: "1,234", "0.0772",
#: "$1.2 bn", "$2.08 tn", "56.6%", "<1%", "+3.2%", "0.72x", "+66.9 points".
_NUMBER = r"[<>]?[+\-−]?\$?[+\-−]?\d[\d,]*(?:\.\d+)?(?:%|x| ?(?:bn|tn|m|points|pp))?"
#: A cell that reads as a number: one number, a number with its range ("$3.1 bn ($2.0 bn to
#: $4.2 bn)") or a count out of a total ("8 of 15").
NUMBER = re.compile(rf"{_NUMBER}(?: \({_NUMBER} to {_NUMBER}\)| of {_NUMBER})?")
#: What the registry writes where a value is not a number ("n/a", "yes", "settles", ...): in
#: a column of numbers, these are values too.
VALUE_WORDS = frozenset(
    {"", "n/a", FORMATS["ratio"](math.inf)}
    | {FORMATS[name](flag) for name in ("yes_no", "settles") for flag in (0, 1)}
)

Format = str | Callable[[object], str]


class Table(Styler):
    """A styled table that still reads like its DataFrame (`.data`): indexing, `.loc`, `.iloc`
    and `.shape` are the data's, and `to_string()` is the data as text with the table's number
    formats, so scripts and the command line use it as a frame."""

    shown: dict[Hashable, Callable[[object], str]] = {}  # column -> how a value reads

    def __getitem__(self, key: Hashable) -> pd.Series | pd.DataFrame:
        return self.data[key]

    def __len__(self) -> int:
        return len(self.data)

    @property
    def loc(self):
        return self.data.loc

    @property
    def iloc(self):
        return self.data.iloc

    @property
    def shape(self) -> tuple[int, int]:
        return self.data.shape

    def to_string(self, *args, **kwargs) -> str:  # type: ignore[override]
        """The data as plain text (a terminal's table), as `DataFrame.to_string`."""
        frame = self.data.copy()
        for column, show in self.shown.items():
            frame[column] = frame[column].map(show)
        if frame.columns.name is not None and frame.columns.name == frame.index.name:
            frame = frame.rename_axis(columns=None)  # named once, over the row labels
        return frame.to_string(*args, **kwargs)


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def is_numeric(column: pd.Series) -> bool:
    """Whether a reader reads the column as numbers: numbers, or numbers formatted with their
    units (the registry's words for a missing or yes/no value allowed among them)."""
    if is_bool_dtype(column):
        return False
    if is_numeric_dtype(column):
        return True
    cells = [str(v).strip() for v in column if not _missing(v)]
    numbers = sum(bool(NUMBER.fullmatch(c)) for c in cells)
    return numbers > 0 and all(NUMBER.fullmatch(c) or c in VALUE_WORDS for c in cells)


def _decimals(column: pd.Series, most: int = 3) -> int:
    """The fewest decimals (up to `most`) that show every value of a float column."""
    values = column.to_numpy(dtype=float, na_value=np.nan)
    values = values[np.isfinite(values)]
    for digits in range(most):
        if np.allclose(values, np.round(values, digits), rtol=0, atol=1e-9):
            return digits
    return most


def _uuid(frame: pd.DataFrame, caption: str | None) -> str:
    """An id from the table's content, so the same table gets the same id in every run."""
    digest = hashlib.sha256(f"{caption}\n{frame.to_csv()}".encode())
    return digest.hexdigest()[:10]


def table(
    frame: pd.DataFrame,
    caption: str | None = None,
    units: Mapping[Hashable, str] | None = None,
    formats: Mapping[Hashable, Format] | None = None,
    uuid: str | None = None,
    missing: str = "n/a",
) -> Table:
    """`frame` styled for readers.

    Text columns and the row labels are left-aligned, numeric columns (numbers, or numbers
    formatted with units: see `is_numeric`) right-aligned with tabular figures. `units` maps a
    column to the unit all its values share, shown once in its header ("GDP (US$ bn)");
    `formats` maps a column (by its name without the unit) to a format string or function;
    other float columns show the fewest decimals that keep their values. `caption` is escaped
    text above the table. Cell text and labels are escaped, so author-written text never
    becomes markup. `uuid` fixes the table's id; by default it is derived from the content.
    """
    units, formats = dict(units or {}), dict(formats or {})
    names = {c: f"{c} ({units[c]})" for c in units}
    shown = frame.rename(columns=names) if names else frame.copy()
    formats = {names.get(c, c): f for c, f in formats.items()}
    single = shown.index.nlevels == 1
    if single and shown.index.name is not None and shown.columns.name is None:
        shown.columns = shown.columns.rename(shown.index.name)  # it heads the row labels
    styler = Table(
        shown, uuid=uuid or _uuid(shown, caption), cell_ids=False, escape="html", na_rep=missing,
        caption=html.escape(caption) if caption else None,
    )  # fmt: skip
    styler.format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    if single and shown.columns.name is not None:
        styler.hide(axis="index", names=True)
    if isinstance(shown.index, pd.RangeIndex) and shown.index.name is None:
        styler.hide(axis="index")  # row numbers mean nothing to a reader
    for i, column in enumerate(shown.columns):
        if column not in formats and is_float_dtype(shown.iloc[:, i]):
            formats[column] = f"{{:,.{_decimals(shown.iloc[:, i])}f}}"
    if formats:
        styler.format(formats, na_rep=missing, escape="html")
    styler.shown = {
        column: lambda v, f=f: (
            missing if _missing(v) else f.format(v) if isinstance(f, str) else f(v)
        )
        for column, f in formats.items()
    }
    styles = [
        {"selector": "caption", "props": "caption-side: top; text-align: left; font-weight: 600;"},
        {"selector": "th.row_heading, th.index_name", "props": "text-align: left;"},
    ]
    for i in range(shown.shape[1]):
        if is_numeric(shown.iloc[:, i]):  # a number and its unit never break across lines
            numbers = "text-align: right; font-variant-numeric: tabular-nums;"
            styles.append({"selector": f"th.col_heading.col{i}", "props": numbers})
            styles.append({"selector": f"td.col{i}", "props": numbers + " white-space: nowrap;"})
        else:
            styles.append(
                {"selector": f"td.col{i}, th.col_heading.col{i}", "props": "text-align: left;"}
            )
    return styler.set_table_styles(styles)
