"""The landscape model applied to scenarios: propensities from the data, the stability of each
split (per draw and at central values), would-be defectors, and what it takes."""

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.cli import main
from analysis.methods.alignment import is_stable, landscape
from analysis.model import alignment, evaluate
from analysis.model.engine import prepare, state


@pytest.fixture(scope="module")
def nato(world):
    return analysis.load_scenario("asian-nato", world)


def test_propensity_of_a_pair_by_hand(world, nato):
    """USA-JPN in asian-nato: both at 75 (proximity 1), one treaty, no rivalry, plus the
    trade weight times their mutual dependence (the dyad over each one's total, averaged)."""
    s = state(prepare(world, nato))
    p = alignment.propensity(s)[0]
    usa, jpn = s.base.index("USA"), s.base.index("JPN")
    trade = world.trade.set_index(["a", "b"])["trade_usd"]
    dyad = trade.get(("JPN", "USA"), trade.get(("USA", "JPN")))
    total = world.figures["trade_total_usd"]
    dependence = (dyad / total["USA"] + dyad / total["JPN"]) / 2
    assert p[usa, jpn] == pytest.approx(1.0 * 1 + 0.5 * 1 - 0.5 * 0 + 2.0 * dependence)
    assert p[jpn, usa] == p[usa, jpn] and p[usa, usa] == 0.0


def test_rivals_repel_by_the_rivalry_weight(world, nato):
    s = state(prepare(world, nato))
    p = alignment.propensity(s)[0]
    chn, usa = s.base.index("CHN"), s.base.index("USA")
    without = state(prepare(world, nato), pd.DataFrame({"alignment.rivalry_weight": [0.0]}))
    assert alignment.propensity(without)[0][chn, usa] - p[chn, usa] == pytest.approx(0.5)


def test_the_status_quo_split_is_stable_and_the_pact_is_not(world):
    runs = {s: analysis.run(s, world) for s in ("status-quo", "asian-nato")}
    assert runs["status-quo"].values["alignment_stable"] == 1.0
    assert runs["status-quo"].alignment.stable and runs["status-quo"].alignment.energy_gap == 0
    nato = runs["asian-nato"]
    assert nato.values["alignment_stable"] == 0.0
    movers = nato.alignment.gains[nato.alignment.gains["gain"] > 0]
    assert nato.values["alignment_defectors"] == len(movers) > 0
    assert list(movers["gain"]) == sorted(movers["gain"], reverse=True)
    assert nato.alignment.energy_gap > 0


def test_stability_per_draw_agrees_with_the_landscape_minima(world, nato):
    """Without bars and with every actor free to stay out, a split is stable exactly when it
    is a local minimum of the enumerated landscape (published model: two coalitions)."""
    s = state(prepare(world, nato))
    size, p = np.atleast_2d(alignment.sizes(s))[0][:10], alignment.propensity(s)[0][:10, :10]
    scape = landscape(size, p)
    sides = scape.configurations.astype(np.int8)
    stable = is_stable(size, p, sides)
    minima = np.zeros(len(sides), dtype=bool)
    minima[scape.minima] = True
    assert np.array_equal(stable, minima)


def test_bloc_draws_change_the_split(world, nato):
    """Moving Indonesia and Malaysia, the would-be defectors, into the rival bloc in a draw
    removes them from the defectors."""
    draws = pd.DataFrame({"bloc.IDN": ["others", "rivals"], "bloc.MYS": ["others", "rivals"]})
    table = evaluate(world, nato, draws)
    assert table["alignment_defectors"].iloc[1] < table["alignment_defectors"].iloc[0]


def test_taiwan_is_barred_from_the_pact(world, nato):
    """data/alignment.yaml bars Taiwan from the alliance: it never counts as a defector to it."""
    result = analysis.run(nato, world)
    assert result.alignment.gains.loc["TWN", "move"] != "alliance"
    assert world.alignment.barred[0].actor == "TWN"


def test_what_it_takes_makes_the_split_hold_and_no_less_does(world, nato):
    base = prepare(world, nato)
    remedies = alignment.what_it_takes(base)
    assert remedies and remedies == sorted(remedies, key=lambda r: r.relative)
    first = remedies[0]
    just = pd.DataFrame({first.input: [first.needed]})
    short = pd.DataFrame({first.input: [first.current + 0.9 * (first.needed - first.current)]})
    assert alignment.stability(state(base, just))["stable"][0]
    assert not alignment.stability(state(base, short))["stable"][0]


def test_a_split_that_holds_needs_no_remedy(world):
    assert (
        alignment.what_it_takes(prepare(world, analysis.load_scenario("status-quo", world))) == []
    )


def test_cli_align_and_run_json(capsys):
    assert main(["align", "asian-nato", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["stable"] is False and answer["would_move"] and answer["what_it_takes"]
    assert main(["run", "status-quo", "--json"]) == 0
    headline = json.loads(capsys.readouterr().out)
    assert headline["alignment"]["stable"] is True and headline["alignment"]["predicted"]
    assert main(["align", "status-quo"]) == 0
    assert "The split holds" in capsys.readouterr().out


def test_bad_alignment_data_names_file_and_field(data_copy, capsys):
    path = data_copy / "alignment.yaml"
    path.write_text(path.read_text().replace("may_stay_out: [IND,", "may_stay_out: [XYZ,"))
    assert main(["--data", str(data_copy), "validate"]) == 2
    assert "alignment.yaml: field 'may_stay_out': unknown actor 'XYZ'" in capsys.readouterr().err


def test_sums_without_per_draw_matrices_equal_the_full_propensity(world, nato):
    """The engine's weighted sums (static parts once, varying positions and trade estimates
    per draw) equal the sums over each draw's full propensity matrix, also with varying
    blocs, weights and a judged override."""
    from analysis.methods.alignment import side_vectors
    from analysis.world.data import PropensityOverride

    settings = world.alignment.model_copy(
        update={"overrides": [PropensityOverride(a="KOR", b="JPN", propensity=-0.3, rationale="t")]}
    )
    changed = dataclasses.replace(world, alignment=settings)
    draws = analysis.model.sampling.sample(nato, changed, 40, seed=2)
    draws["bloc.PHL"] = ["alliance", "others"] * 20
    draws["judgements.USA.position"] = np.linspace(40, 90, 40)
    for extra in ({}, {"alignment.trade_weight": np.linspace(0.5, 4, 40)}):
        s = state(prepare(changed, nato), draws.assign(**extra))
        size, (x, o) = alignment.sizes(s), side_vectors(alignment.sides(s))
        vectors = [size * np.ones_like(x), size * x, size * o]
        full = alignment.propensity(s)
        assert full[0, s.base.index("KOR"), s.base.index("JPN")] == -0.3
        for v, fast in zip(vectors, alignment.weighted_sums(s, vectors), strict=True):
            slow = np.einsum("nkj,nj->nk", full, np.broadcast_to(v, (40, len(s.base.actors))))
            assert np.allclose(fast, slow, rtol=1e-12, atol=1e-14)


def test_gains_of_a_fixed_split_equal_those_from_the_weighted_sums(world, nato):
    """With the same split and sizes in every draw the engine weighs each open move's gain
    directly (`split_gains`); it equals the gains from the weighted sums a, b, c (the path for
    splits that vary per draw), with varying positions, trade, weights, outside distance and a
    judged override, and again from the weights kept for the next block."""
    from analysis.methods.alignment import best_gains_from_sums, side_vectors
    from analysis.world.data import PropensityOverride

    settings = world.alignment.model_copy(
        update={"overrides": [PropensityOverride(a="KOR", b="JPN", propensity=-0.3, rationale="t")]}
    )
    changed = dataclasses.replace(world, alignment=settings)
    base = prepare(changed, nato)
    draws = analysis.model.sampling.sample(nato, changed, 60, seed=4)
    draws["judgements.USA.position"] = np.linspace(40, 90, 60)
    varied = {
        "alignment.position_weight": np.linspace(0.5, 2, 60),
        "alignment.trade_weight": np.linspace(0.5, 4, 60),
        "alignment.rivalry_weight": np.linspace(0.2, 1, 60),
        "alignment.outside_distance": np.linspace(0.2, 0.8, 60),
    }
    for extra in ({}, varied, {"alignment.outside_distance": np.full(60, 0.3)}):
        for _ in range(2):
            s = state(base, draws.assign(**extra))
            size, side = alignment.sizes(s), alignment.sides(s)
            x, o = side_vectors(side)
            a, b, c = alignment.weighted_sums(s, [size * np.ones_like(x), size * x, size * o])
            delta = s.parameter("alignment.outside_distance")
            slow = best_gains_from_sums(
                a, b, c, side, alignment.open_outside(s), delta, base.closed
            )
            fast = alignment.split_gains(s, size, side)
            np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-12)
            assert (np.isinf(fast) == np.isinf(slow)).all()
