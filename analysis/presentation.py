"""Text for briefs: numbers with units, and scenario text made safe to show as HTML."""

from __future__ import annotations

import html
import math

CAPABILITY_LABELS = {
    "gdp_usd": "GDP",
    "milex_usd": "Military spending",
    "population": "Population",
    "cinc": "CINC (material capability)",
}
_USD = {
    "cross_bloc_trade_usd",
    "trade_at_risk_usd",
    "prk_trade_usd",
    "arms_alliance_spending_10y_usd",
    "arms_rival_spending_10y_usd",
}
_COUNT = {"alliance_size", "prk_partner_count", "prk_defence_ties"}
_WORDS = {
    "arms_race_stable": ("runs away", "settles"),
    "forecast_bdm_converged": ("no", "yes"),
}
_RATIO = {"balance_ratio_cinc", "balance_ratio_milex"}


def usd(value: float) -> str:
    """US$ with a readable magnitude: $1.23 tn, $456.7 bn, $2.3 bn, $12.0 m."""
    for scale, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(value) >= scale:
            digits = 2 if scale == 1e12 else 1
            return f"${value / scale:,.{digits}f} {suffix}"
    return f"${value:,.0f}"


def format_value(indicator: str, value: float | None) -> str:
    """An indicator value with its unit, as a reader expects it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if indicator in _WORDS:
        return _WORDS[indicator][bool(value)]
    if indicator in _USD:
        return usd(value)
    if indicator == "arms_spending_growth":
        return f"{100 * value:+.1f}%"
    if indicator.startswith("forecast_") and not indicator.endswith("probability"):
        return f"{value:.1f}"
    if indicator.endswith("probability"):
        return f"{100 * value:.1f}%"
    if indicator in _COUNT:
        return f"{int(value)}"
    if indicator in _RATIO:
        return f"{value:.2f}x"
    if indicator == "position_gap":
        return f"{value:+.1f} points"
    if indicator == "polarisation":
        return f"{value:.4f}"
    if indicator.endswith("_share") or "_share_" in indicator:
        return f"{100 * value:.1f}%"
    return f"{value:.3g}"


def text(value: object) -> str:
    """Author-written text (titles, summaries) escaped so it shows as text, never as markup."""
    return html.escape(str(value), quote=True)
