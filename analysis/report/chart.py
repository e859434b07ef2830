"""A chart as a brief shows it: an SVG with a caption and alt text that states the numbers,
so the figure is readable without sight, sharp at any zoom and in print, and the page needs
nothing from the web."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.colors import to_rgba

from analysis.report.format import format_value

BLOC_COLOURS = {"alliance": "#1f5fa8", "rivals": "#c0392b", "others": "#8c8c8c"}
BLOC_NAMES = {"alliance": "Alliance", "rivals": "Rival bloc", "others": "Others"}


#: SVG output that is the same for the same chart: fixed element ids and no date; text stays
#: text (searchable, and drawn by the reader's browser in the page's fonts). Its extents, for
#: the crop, are measured unhinted, as the SVG writer measures them: hinting snaps glyphs to a
#: raster's pixel grid, which a vector page has not (and autohinting costs ~6% of a chart).
#: Vector output is also about twice as fast to write as a raster of the same chart.
SVG_SETTINGS = {"svg.hashsalt": "analysis", "svg.fonttype": "none", "text.hinting": "no_hinting"}


class Chart:
    """A rendered chart; Jupyter shows the image, the brief template adds alt and caption."""

    def __init__(self, figure: plt.Figure | plt.Axes, caption: str, alt: str) -> None:
        fig = figure.figure if isinstance(figure, plt.Axes) else figure
        buffer = io.StringIO()
        with plt.rc_context(SVG_SETTINGS):
            # The tight crop, measured: savefig's "tight" would draw the whole figure once to
            # lay it out and again to write it (measuring makes a chart ~15% faster).
            box = fig.get_tightbbox().padded(plt.rcParams["savefig.pad_inches"])
            fig.savefig(buffer, format="svg", bbox_inches=box, metadata={"Date": None})
        plt.close(fig)
        self.svg = buffer.getvalue()
        self.caption, self.alt = caption, alt

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        data = {"image/svg+xml": self.svg, "text/plain": self.caption}
        return data, {"image/svg+xml": {"alt": self.alt, "caption": self.caption}}


def tint(colour: str, strength: float) -> tuple[float, float, float]:
    """The colour mixed with white: strength 1 keeps it, 0 gives white (for reference bars)."""
    r, g, b, _ = to_rgba(colour)
    return tuple(strength * c + (1 - strength) for c in (r, g, b))


def listing(values: pd.Series, indicator: str) -> str:
    """ "name value; name value" with the indicator's format, for alt text."""
    return "; ".join(f"{name} {format_value(indicator, v)}" for name, v in values.items())
