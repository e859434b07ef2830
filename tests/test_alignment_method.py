"""Landscape theory of aggregation (Axelrod & Bennett 1993) against hand values and brute force.

The reference functions below (`reference_*`) follow the paper's definitions pair by pair with
plain Python loops; the code under test is vectorised. Random cases use integer sizes and
propensities (and distances 1/4, 1/2, 3/4), so every energy is exact in floating point and ties
are real ties.
"""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.methods import alignment as al

OUT = al.OUTSIDE


# ------------------------------------------------------------------ reference (brute force)


def reference_distance(a: int, b: int, delta: float) -> float:
    if a == OUT and b == OUT:
        return 0.0
    if a == OUT or b == OUT:
        return delta
    return float(a != b)


def reference_frustration(s, p, sides, delta=0.5) -> list[float]:
    n = len(s)
    return [
        sum(
            s[j] * p[i][j] * reference_distance(sides[i], sides[j], delta)
            for j in range(n)
            if j != i
        )
        for i in range(n)
    ]


def reference_energy(s, p, sides, delta=0.5) -> float:
    return sum(si * fi for si, fi in zip(s, reference_frustration(s, p, sides, delta), strict=True))


def open_sides(k: int, may_stay_out) -> tuple[int, ...]:
    return (0, 1, OUT) if may_stay_out is not None and may_stay_out[k] else (0, 1)


def reference_stable(s, p, sides, may_stay_out=None, delta=0.5) -> bool:
    """No single actor's move to another open side strictly lowers the energy."""
    here = reference_energy(s, p, sides, delta)
    for k in range(len(s)):
        for side in open_sides(k, may_stay_out):
            if side != sides[k]:
                moved = list(sides)
                moved[k] = side
                if reference_energy(s, p, moved, delta) < here:
                    return False
    return True


def canonical_assignments(n: int, may_stay_out=None) -> list[tuple[int, ...]]:
    """Every assignment whose first actor in a coalition is in the first coalition."""
    result = []
    for sides in itertools.product(*(open_sides(k, may_stay_out) for k in range(n))):
        lead = next((side for side in sides if side != OUT), 0)
        if lead == 0:
            result.append(sides)
    return result


def random_model(rng: np.random.Generator, n: int):
    sizes = rng.integers(1, 6, n).astype(float)
    upper = np.triu(rng.integers(-3, 4, (n, n)), 1).astype(float)
    return sizes, upper + upper.T


def rows_as_tuples(configurations: np.ndarray) -> list[tuple[int, ...]]:
    return [tuple(int(v) for v in row) for row in configurations.astype(int)]


# ------------------------------------------------------------------------ hand-computed


def test_three_actors_by_hand():
    # s = (1, 2, 3); p01 = 1, p02 = -1, p12 = -2. Pair weights w_ij = s_i s_j p_ij:
    # w01 = 2, w02 = -3, w12 = -12, and E = 2 * (sum of w over pairs on different sides).
    s = [1.0, 2.0, 3.0]
    p = [[0, 1, -1], [1, 0, -2], [-1, -2, 0]]
    result = al.landscape(s, p)
    # Rows: actor 0 always first; bit 0 -> actor 1 second, bit 1 -> actor 2 second.
    assert rows_as_tuples(result.configurations) == [(0, 0, 0), (0, 1, 0), (0, 0, 1), (0, 1, 1)]
    # {012}: 0.  {02|1}: 2(w01 + w12) = 2(2 - 12) = -20.  {01|2}: 2(w02 + w12) = -30.
    # {0|12}: 2(w01 + w02) = 2(2 - 3) = -2.
    np.testing.assert_array_equal(result.energies, [0.0, -20.0, -30.0, -2.0])
    # s_i F_i in {01|2}: actor 0 is apart from 2 only: w02 = -3; actor 1: w12 = -12;
    # actor 2 is apart from both: w02 + w12 = -15. Row sum -30 = E.
    np.testing.assert_array_equal(result.frustrations[2], [-3.0, -12.0, -15.0])
    # Three actors: every configuration neighbours the other three, so all descend to the
    # global minimum {01|2}.
    np.testing.assert_array_equal(result.minima, [2])
    np.testing.assert_array_equal(result.basins, [1.0])
    np.testing.assert_array_equal(result.descends_to, [2, 2, 2, 2])
    # F_i itself in {02|1}: F0 = s1 p01 = 2; F1 = s0 p10 + s2 p12 = 1 - 6 = -5; F2 = s1 p21 = -4.
    np.testing.assert_array_equal(al.frustration(s, p, [0, 1, 0]), [2.0, -5.0, -4.0])
    assert al.energy(s, p, [False, True, False]) == -20.0


def four_actor_model(a: float, b: float, c: float) -> np.ndarray:
    # Unit sizes; pairs {0,1},{2,3} have propensity a, {0,2},{1,3} b, {0,3},{1,2} c.
    return np.array([[0, a, b, c], [a, 0, c, b], [b, c, 0, a], [c, b, a, 0]], dtype=float)


def test_four_actors_two_minima_and_basins_by_hand():
    # a = 3, b = 1, c = -5, sum S = a + b + c = -1.
    # Each 1-vs-3 split has E = 2S = -2 (the three propensities of the lone actor, e.g. {1}
    # alone: 2(p01 + p12 + p13) = 2(a + c + b)). Together: 0. Splits into pairs:
    # 01|23: 2(p02 + p03 + p12 + p13) = 4(b + c) = -16; 02|13: 4(a + c) = -8;
    # 03|12: 4(a + b) = 16. Every pair split neighbours every 1-vs-3 split and vice versa.
    result = al.landscape(np.ones(4), four_actor_model(3, 1, -5))
    # Row c: bit j-1 set = actor j second. Row 6 = {0,1}|{2,3}, 5 = {0,2}|{1,3}, 3 = {0,3}|{1,2}.
    np.testing.assert_array_equal(result.energies, [0, -2, -2, 16, -2, -8, -16, -2])
    # Minima: -16 and -8 sit below all their neighbours (-2). Together (0) and 03|12 (16)
    # have lower neighbours; the 1-vs-3 splits (-2) have the pair splits below them.
    np.testing.assert_array_equal(result.minima, [6, 5])
    # Descent: each 1-vs-3 split goes to its lowest neighbour, 01|23. "Together" and 03|12 see
    # four equal falls to 1-vs-3 splits; the tie goes to actor 0, whose switch from
    # "together" gives row 7 (0 alone) and from 03|12 gives 3 alone (row 4); both then go
    # to 01|23. So 7 of 8 configurations end in 01|23, one (02|13 itself) in 02|13.
    np.testing.assert_array_equal(result.successor, [7, 6, 6, 4, 6, 5, 6, 6])
    np.testing.assert_array_equal(result.basins, [7 / 8, 1 / 8])
    np.testing.assert_array_equal(result.descends_to, [6, 6, 6, 6, 6, 5, 6, 6])


def test_descent_takes_the_largest_fall_in_energy_not_in_own_frustration():
    # s = (1, 1, 4); p01 = 1, p02 = 0, p12 = -1 (w01 = 1, w02 = 0, w12 = -4). From "all
    # together" (E = 0): actor 1 switching gives 2(w01 + w12) = -6, a fall in F1 of 6/(2*1) = 3;
    # actor 2 switching gives 2(w02 + w12) = -8, a fall in F2 of only 8/(2*4) = 1; actor 0
    # switching gives 2(w01 + w02) = +2. Steepest descent in E takes actor 2's move (row 2).
    s, p = [1.0, 1.0, 4.0], [[0, 1, 0], [1, 0, -1], [0, -1, 0]]
    result = al.landscape(s, p)
    assert result.successor[0] == 2
    np.testing.assert_array_equal(al.switch_gains(s, p, [0, 0, 0]), [-1.0, 3.0, 1.0])
    assert not al.is_stable(s, p, [0, 0, 0])
    assert al.is_stable(s, p, [0, 0, 1])


def test_outside_option_by_hand():
    # Extension. Unit sizes; 0 and 1 are enemies (p01 = -2), 2 is a friend of both (p02 = p12
    # = 1) and may stay out. Rows (actor 0 first): (0,0,0) (0,1,0) (0,0,1) (0,1,1) (0,0,2)
    # (0,1,2), 2 = outside. E = 2 sum_{i<j} p_ij d_ij with d = delta between an outsider and a
    # coalition member: 0, 2(-2 + 1) = -2, 2(1 + 1) = 4, -2, 2(2 delta) = 4 delta,
    # 2(-2 + 2 delta) = -4 + 4 delta.
    s, p = np.ones(3), [[0, -2, 1], [-2, 0, 1], [1, 1, 0]]
    may_stay_out = np.array([False, False, True])
    quarter = al.landscape(s, p, outside=may_stay_out, outside_distance=0.25)
    assert rows_as_tuples(quarter.configurations) == [
        (0, 0, 0),
        (0, 1, 0),
        (0, 0, 1),
        (0, 1, 1),
        (0, 0, 2),
        (0, 1, 2),
    ]
    np.testing.assert_array_equal(quarter.energies, [0, -2, 4, -2, 1, -3])
    # delta = 1/4: 2 staying out between its two quarrelling friends (E = -3) is the only
    # minimum; every configuration ends there.
    np.testing.assert_array_equal(quarter.minima, [5])
    np.testing.assert_array_equal(quarter.basins, [1.0])
    assert al.energy(s, p, [0, 1, 2], outside_distance=0.25) == -3.0
    # At (0,1,0), delta = 1/4: F2 = 1 (apart from friend 1); in the second coalition also 1;
    # outside 1/4 * (1 + 1) = 1/2, a gain of 1/2. Actor 1 rejoining 0: F1 from -2 + 1 = -1
    # to 0, gain -1. Actor 0 crossing over: F0 from -2 to +1, gain -3.
    gains = al.switch_gains(s, p, [0, 1, 0], outside=may_stay_out, outside_distance=0.25)
    np.testing.assert_array_equal(gains, [-3.0, -1.0, 0.5])
    assert al.is_stable(s, p, [0, 1, 2], outside=may_stay_out, outside_distance=0.25)
    # delta = 1/2: staying out (-4 + 2 = -2) only ties with joining either side (-2): three
    # minima on a plateau, each with a third of the configurations. From (0,0,0) the falls
    # of actors 0 and 1 tie (to -2); actor 0 goes first, and its switch, mirrored, is (0,1,1).
    half = al.landscape(s, p, outside=may_stay_out, outside_distance=0.5)
    np.testing.assert_array_equal(half.energies, [0, -2, 4, -2, 2, -2])
    np.testing.assert_array_equal(half.minima, [1, 3, 5])
    np.testing.assert_array_equal(half.descends_to, [3, 1, 1, 3, 5, 5])
    np.testing.assert_allclose(half.basins, [1 / 3, 1 / 3, 1 / 3])


def test_smallest_models():
    one = al.landscape([2.0], [[0.0]])
    np.testing.assert_array_equal(one.energies, [0.0])
    np.testing.assert_array_equal(one.minima, [0])
    # Two friends: together (E = 0) beats apart (E = 2 * 1 * 1 * 1 = 2).
    two = al.landscape([1.0, 1.0], [[0, 1], [1, 0]])
    np.testing.assert_array_equal(two.energies, [0.0, 2.0])
    np.testing.assert_array_equal(two.descends_to, [0, 0])


def test_landscape_arrays_are_read_only():
    result = al.landscape([1.0, 1.0, 1.0], four_actor_model(1, 1, 1)[:3, :3])
    with pytest.raises(ValueError):
        result.energies[0] = 1.0


# ------------------------------------------------------------------------- footnote 2


@pytest.mark.parametrize("delta", [None, 0.3, 0.5, 0.8])
def test_switch_changes_energy_by_twice_size_times_change_in_frustration(delta):
    rng = np.random.default_rng(12)
    for _ in range(20):
        n = int(rng.integers(2, 8))
        sizes = rng.uniform(0.1, 3.0, n)
        upper = np.triu(rng.normal(size=(n, n)), 1)
        p = upper + upper.T
        sides = list(rng.integers(0, 2 if delta is None else 3, n))
        extra = {} if delta is None else {"outside_distance": delta}
        d = 0.5 if delta is None else delta
        for k in range(n):
            for side in (0, 1) if delta is None else (0, 1, OUT):
                moved = list(sides)
                moved[k] = side
                change_e = reference_energy(sizes, p, moved, d) - reference_energy(
                    sizes, p, sides, d
                )
                change_f = (
                    reference_frustration(sizes, p, moved, d)[k]
                    - reference_frustration(sizes, p, sides, d)[k]
                )
                assert change_e == pytest.approx(2 * sizes[k] * change_f, abs=1e-9)
                # ... and the vectorised functions agree with the definitions.
                assert al.energy(sizes, p, moved, **extra) == pytest.approx(
                    reference_energy(sizes, p, moved, d), abs=1e-9
                )
                np.testing.assert_allclose(
                    al.frustration(sizes, p, moved, **extra),
                    reference_frustration(sizes, p, moved, d),
                    atol=1e-9,
                )


# ---------------------------------------------------------------------- property based


@st.composite
def models(draw):
    n = draw(st.integers(1, 6))
    sizes = draw(st.lists(st.integers(1, 5), min_size=n, max_size=n))
    p = np.zeros((n, n))
    for i, j in itertools.combinations(range(n), 2):
        p[i, j] = p[j, i] = draw(st.integers(-3, 3))
    may_stay_out = draw(st.none() | st.lists(st.booleans(), min_size=n, max_size=n))
    delta = draw(st.sampled_from([0.25, 0.5, 0.75]))
    return np.array(sizes, float), p, may_stay_out, delta


@settings(max_examples=200, deadline=None)
@given(models())
def test_steepest_descent_never_raises_energy_and_ends_in_a_listed_minimum(model):
    sizes, p, may_stay_out, delta = model
    outside = None if may_stay_out is None else np.array(may_stay_out)
    result = al.landscape(sizes, p, outside=outside, outside_distance=delta)
    rows = np.arange(result.energies.size)
    moved = result.successor != rows
    assert np.all(result.energies[result.successor][moved] < result.energies[moved])
    assert set(result.descends_to) <= set(result.minima)
    assert np.all(result.successor[result.minima] == result.minima)
    assert result.basins.sum() == pytest.approx(1.0)
    # Energies and minima match the brute-force definitions.
    configs = rows_as_tuples(result.configurations)
    for row in (0, rows.size // 2, rows.size - 1):
        assert result.energies[row] == reference_energy(sizes, p, configs[row], delta)
    stable = {c for c in configs if reference_stable(sizes, p, c, may_stay_out, delta)}
    assert {configs[m] for m in result.minima} == stable


# ------------------------------------------------------ vectorised check vs enumeration


@pytest.mark.parametrize("three_state", [False, True])
def test_is_stable_agrees_with_full_enumeration(three_state):
    rng = np.random.default_rng(7)
    for n in (3, 5, 6):
        for _ in range(4):
            sizes, p = random_model(rng, n)
            may_stay_out = rng.random(n) < 0.5 if three_state else None
            delta = 0.25 if three_state else 0.5
            configs = canonical_assignments(n, may_stay_out)
            expected = [reference_stable(sizes, p, c, may_stay_out, delta) for c in configs]
            extra = {"outside": may_stay_out, "outside_distance": delta} if three_state else {}
            got = al.is_stable(sizes, p, np.array(configs), **extra)
            np.testing.assert_array_equal(got, expected)
            result = al.landscape(sizes, p, **extra)
            assert sorted(rows_as_tuples(result.configurations)) == sorted(configs)
            minima = {rows_as_tuples(result.configurations)[m] for m in result.minima}
            assert minima == {c for c, ok in zip(configs, expected, strict=True) if ok}


@pytest.mark.parametrize("three_state", [False, True])
def test_is_stable_per_draw_matches_each_draw(three_state):
    rng = np.random.default_rng(99)
    draws, n = 300, 6
    models = [random_model(rng, n) for _ in range(draws)]
    sizes = np.array([m[0] for m in models])
    p = np.array([m[1] for m in models])
    may_stay_out = rng.random((draws, n)) < 0.5 if three_state else None
    sides = rng.integers(0, 2, (draws, n))
    if three_state:
        sides = np.where(may_stay_out & (rng.random((draws, n)) < 0.4), OUT, sides)
    extra = {"outside": may_stay_out, "outside_distance": 0.75} if three_state else {}
    got = al.is_stable(sizes, p, sides, **extra)
    gains = al.switch_gains(sizes, p, sides, **extra)
    for d in range(draws):
        mask = None if may_stay_out is None else may_stay_out[d]
        expected = reference_stable(
            sizes[d], p[d], list(sides[d]), mask, 0.75 if three_state else 0.5
        )
        assert got[d] == expected
        assert (gains[d].max() <= 0) == expected
    # Both outcomes occur among the draws.
    assert got.any()
    assert not got.all()


def test_is_stable_broadcasts_one_model_over_many_configurations():
    rng = np.random.default_rng(3)
    sizes, p = random_model(rng, 5)
    sides = rng.integers(0, 2, (64, 5))
    got = al.is_stable(sizes, p, sides)
    assert got.shape == (64,)
    expected = [reference_stable(sizes, p, list(row)) for row in sides]
    np.testing.assert_array_equal(got, expected)
    # One model and one configuration: a 0-d answer.
    assert al.is_stable(sizes, p, sides[0]).shape == ()


@pytest.mark.parametrize("three_state", [False, True])
def test_stability_ignores_the_scale_of_sizes_and_propensities(three_state):
    # Scaling all sizes or all propensities by a positive factor scales every gain and keeps
    # every tie a tie. Factors such as 0.1 make exact ties come out as +-1e-17 in floating point;
    # the answers must still match the exact integer case.
    rng = np.random.default_rng(21)
    for _ in range(6):
        sizes, p = random_model(rng, 6)
        may_stay_out = rng.random(6) < 0.5 if three_state else None
        extra = {"outside": may_stay_out} if three_state else {}
        configs = np.array(canonical_assignments(6, may_stay_out))
        exact = al.is_stable(sizes, p, configs, **extra)
        assert exact.any()
        for size_factor, propensity_factor in [(1.0, 0.1), (0.37, 1e-3), (3.1, 7.3), (1e-4, 1e4)]:
            scaled = al.is_stable(size_factor * sizes, propensity_factor * p, configs, **extra)
            np.testing.assert_array_equal(scaled, exact)
            result = al.landscape(size_factor * sizes, propensity_factor * p, **extra)
            rows = rows_as_tuples(result.configurations)
            assert {rows[m] for m in result.minima} == set(rows_as_tuples(configs[exact]))


def test_a_tiny_but_real_gain_is_not_mistaken_for_a_tie():
    # Actors 0 and 1 are faint friends (p01 = 1e-7) on opposite sides; 2 and 3 strong friends
    # (p23 = 1000) together. Actor 0 (or 1) gains 1e-7 by joining the other: unstable, however
    # small. Actor 2 or 3 leaving its friend would lose 1000.
    p = np.zeros((4, 4))
    p[0, 1] = p[1, 0] = 1e-7
    p[2, 3] = p[3, 2] = 1000.0
    sides = [0, 1, 0, 0]
    np.testing.assert_allclose(al.switch_gains(np.ones(4), p, sides), [1e-7, 1e-7, -1000, -1000])
    assert not al.is_stable(np.ones(4), p, sides)
    assert al.is_stable(np.ones(4), p, [0, 0, 1, 1])


def test_the_diagonal_of_the_propensity_is_ignored():
    rng = np.random.default_rng(8)
    sizes, p = random_model(rng, 5)
    noisy = p + np.diag([7.0, -3.0, 2.0, 0.5, -9.0])
    clean, dirty = al.landscape(sizes, p), al.landscape(sizes, noisy)
    np.testing.assert_array_equal(dirty.energies, clean.energies)
    np.testing.assert_array_equal(dirty.successor, clean.successor)
    sides = rng.integers(0, 2, (50, 5))
    stacked = np.broadcast_to(noisy, (50, 5, 5))
    np.testing.assert_array_equal(
        al.switch_gains(sizes, stacked, sides), al.switch_gains(sizes, p, sides)
    )
    assert al.energy(sizes, noisy, sides[0]) == al.energy(sizes, p, sides[0])


def test_two_coalition_and_general_enumeration_agree():
    rng = np.random.default_rng(5)
    sizes, p = random_model(rng, 9)
    published = al.landscape(sizes, p)
    general = al.landscape(sizes, p, outside=np.zeros(9, dtype=bool))
    np.testing.assert_array_equal(published.configurations, general.configurations == 1)
    np.testing.assert_array_equal(published.energies, general.energies)
    np.testing.assert_array_equal(published.successor, general.successor)
    np.testing.assert_array_equal(published.basins, general.basins)


# ------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("sizes", "propensity", "message"),
    [
        ([1, 1], [[0, 1, 2], [1, 0, 3]], "square"),
        ([1, 1, 1], [[0, 1, 2], [1, 0, 3], [2, 4, 0]], "symmetric"),
        ([1, 1], [[0, 1, 2], [1, 0, 3], [2, 3, 0]], "one entry per actor"),
        ([1, 0, 1], [[0, 1, 2], [1, 0, 3], [2, 3, 0]], "positive"),
        ([1, -2, 1], [[0, 1, 2], [1, 0, 3], [2, 3, 0]], "positive"),
        ([1, np.nan, 1], [[0, 1, 2], [1, 0, 3], [2, 3, 0]], "finite"),
        ([1, 1, 1], [[0, np.nan, 2], [np.nan, 0, 3], [2, 3, 0]], "NaN or infinite"),
        ([1, 1, 1], [[0, np.inf, 2], [np.inf, 0, 3], [2, 3, 0]], "NaN or infinite"),
    ],
)
def test_bad_models_are_rejected(sizes, propensity, message):
    with pytest.raises(ValueError, match=message):
        al.landscape(sizes, propensity)
    with pytest.raises(ValueError, match=message):
        al.is_stable(sizes, propensity, np.zeros(len(propensity[0]), dtype=int))


def test_asymmetry_message_names_the_pair():
    with pytest.raises(ValueError, match=r"p\[1, 2\] = 3.0 and p\[2, 1\] = 4.0"):
        al.energy([1, 1, 1], [[0, 1, 2], [1, 0, 3], [2, 4, 0]], [0, 1, 0])


def test_too_many_actors_are_rejected():
    with pytest.raises(ValueError, match=r"at most 1,048,576"):
        al.landscape(np.ones(21), np.zeros((21, 21)))
    # 16 actors, 7 of them allowed out: 2^9 * 3^7 = 1,119,744 assignments.
    with pytest.raises(ValueError, match=r"1,119,744"):
        al.landscape(np.ones(16), np.zeros((16, 16)), outside=np.arange(16) < 7)


def test_bad_sides_and_masks_are_rejected():
    s, p = [1, 1, 1], [[0, 1, 1], [1, 0, 1], [1, 1, 0]]
    with pytest.raises(ValueError, match="0 .* 1 .* or 2"):
        al.is_stable(s, p, [0, 3, 1])
    with pytest.raises(ValueError, match="only allowed for actors marked"):
        al.is_stable(s, p, [0, 2, 1])
    with pytest.raises(ValueError, match="only allowed for actors marked"):
        al.is_stable(s, p, [0, 2, 1], outside=np.array([True, False, False]))
    with pytest.raises(ValueError, match="boolean mask"):
        al.landscape(s, p, outside=[1, 0, 0])
    with pytest.raises(ValueError, match="do not line up"):
        al.is_stable(np.ones((4, 3)), p, np.zeros((5, 3), dtype=int))
    with pytest.raises(ValueError, match="outside_distance"):
        al.landscape(s, p, outside=np.ones(3, dtype=bool), outside_distance=1.5)
    with pytest.raises(ValueError, match="one model"):
        al.landscape(np.ones((2, 3)), p)


# ----------------------------------------------------------- gains as weights on the sums


@pytest.mark.parametrize("delta", [0.25, 0.5, 0.8])
def test_move_weights_give_the_gain_of_every_open_move(delta):
    """F_now - F_target from `move_weights` (a linear function of the mover's sums by side)
    equals `gains_from_sums` on every open move, with outsiders, a barred side and delta."""
    rng = np.random.default_rng(7)
    for _ in range(30):
        n = int(rng.integers(2, 8))
        sizes, p = random_model(rng, n)
        outside = rng.random(n) < 0.5
        sides = np.where(outside & (rng.random(n) < 0.5), OUT, rng.integers(0, 2, n))
        closed = rng.random((n, 3)) < 0.2
        movers, targets, plain, per_delta = al.move_weights(sides, outside, closed)
        # A_g(k) = sum_j s_j p_kj over the actors j on side g (p_kk = 0 in random_model)
        by_side = np.stack([(p * (sizes * (sides == g))).sum(axis=1) for g in range(3)])
        gains = ((plain + delta * per_delta) * by_side[:, movers].T).sum(axis=1)
        x, o = al.side_vectors(sides)
        a, b, c = (al._weighted_sum(p, v) for v in (sizes, sizes * x, sizes * o))
        expected = al.gains_from_sums(a, b, c, sides, outside, delta, closed)
        np.testing.assert_allclose(gains, expected[targets, movers], rtol=1e-12, atol=1e-12)
        opened = np.nonzero(np.isfinite(expected).T)  # (actors, targets) of the open moves
        assert sorted(zip(movers, targets, strict=True)) == sorted(zip(*opened, strict=True))
        assert list(movers) == sorted(movers)  # by mover, then target
