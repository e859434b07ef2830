"""A brief's charts: cropped as matplotlib's own tight crop would, and the same every time."""

import io
import re

import matplotlib.pyplot as plt
import pytest

import analysis
from analysis.report import brief, scenario_charts
from analysis.report.chart import Chart


def _size(svg: str) -> tuple[float, float]:
    width, height = re.search(r'<svg[^>]* width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups()
    return float(width), float(height)


@pytest.mark.parametrize(
    "draw",
    ["_draw_capability_shares", "_draw_trade_exposure", "_draw_positions", "_draw_arms_paths"],
)
def test_a_chart_is_cropped_as_savefigs_tight_box_and_is_the_same_each_time(world, draw):
    result = analysis.run(analysis.load_scenario("asian-nato", world), world)
    base = brief.reference_result(result, world, None)
    args = (result, base) if draw in ("_draw_capability_shares", "_draw_arms_paths") else (result,)
    figure = getattr(scenario_charts, draw)(*args).figure
    tight = io.StringIO()
    with plt.rc_context({"svg.hashsalt": "analysis", "svg.fonttype": "none"}):
        figure.savefig(tight, format="svg", bbox_inches="tight", metadata={"Date": None})
    ours = Chart(figure, caption="", alt="").svg
    again = Chart(getattr(scenario_charts, draw)(*args), caption="", alt="").svg
    # measured once, unhinted: within a tenth of a point of matplotlib's two-pass crop
    assert _size(ours) == pytest.approx(_size(tight.getvalue()), abs=0.1)
    assert ours == again
