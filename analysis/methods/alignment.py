"""Landscape theory of aggregation: alignments as local minima of an energy landscape.

Reference: R. Axelrod and D. S. Bennett (1993), "A Landscape Theory of Aggregation", *British
Journal of Political Science* 23(2): 211-233.

Actors i = 0..n-1 have sizes s_i > 0 and a symmetric propensity p_ij (positive: affinity,
negative: antagonism; p_ii is ignored). A configuration splits them into two coalitions, and
d_ij = 1 when i and j are on different sides, 0 otherwise. Actor i's frustration is
F_i = sum_j s_j p_ij d_ij (apart from a friend raises it, apart from an enemy lowers it) and
the energy is E = sum_i s_i F_i, each pair counted twice. With symmetric p a switch of actor k
changes E by exactly 2 s_k dF_k (the paper's footnote 2), so myopic actors who switch sides to
lower their own frustration walk downhill in E and settle in a local minimum of E.

Sides are coded FIRST = 0 and SECOND = 1. A configuration and its mirror image (every actor
on the other side) are the same partition; `landscape` keeps the one with actor 0 in FIRST.

Extension (ours, not the published model): a third option OUTSIDE = 2, open only to the
actors marked in `outside`. An outsider is at distance `outside_distance` (delta, default 1/2)
from every coalition member and at 0 from other outsiders. At delta = 1/2 these are three
ordered positions on a line (FIRST, outside, SECOND) with d_ij = |y_i - y_j|, y in {0, 1/2, 1}.
Footnote 2 still holds, since only the symmetry of d is used. Consequence to keep in mind: at
delta = 1/2 a lone outsider's frustration is the mean of its frustrations in the two
coalitions, so staying out never strictly beats the better coalition unless fellow outsiders
are friends; delta < 1/2 favours staying out for actors with friends on both sides, delta > 1/2
for actors with enemies on both sides. Without `outside` every function is the published model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

FIRST, SECOND, OUTSIDE = 0, 1, 2

#: Most side assignments `landscape` enumerates: 2^n, or 2^(n-k)·3^k with k actors allowed
#: outside. The limit is memory: at 2^20 (n = 20, two coalitions: 2^19 configurations) the
#: working arrays (several floats per actor and configuration) peak near 0.7 GB and the run
#: takes about 2 s; each further actor doubles both.
MAX_ASSIGNMENTS = 2**20

#: Gains below this multiple of max|p_ij| · sum_j s_j (a bound on any actor's frustration) count
#: as ties, so floating-point rounding cannot make a tie look like a strict improvement.
RELATIVE_TOLERANCE = 1e-12


@dataclass(frozen=True, eq=False)
class Landscape:
    """Every configuration of one model, its energy, and where steepest descent takes it.

    `configurations` is boolean (True = SECOND) for the published two-coalition model and int8
    side codes (FIRST, SECOND, OUTSIDE) when `landscape` was given an `outside` mask.
    `frustrations[c, i]` is s_i·F_i, so each row sums to `energies[c]`. `minima` lists the
    local minima (no single actor's move strictly lowers E) by ascending energy, ties by index;
    `basins[k]` is the share of all configurations whose steepest descent ends in `minima[k]`.
    `successor[c]` is the next configuration on that descent (itself at a minimum) and
    `descends_to[c]` the minimum it ends in. All arrays are read-only.
    """

    configurations: np.ndarray
    energies: np.ndarray
    frustrations: np.ndarray
    minima: np.ndarray
    basins: np.ndarray
    successor: np.ndarray
    descends_to: np.ndarray


def landscape(
    sizes: np.ndarray,
    propensity: np.ndarray,
    outside: np.ndarray | None = None,
    outside_distance: float = 0.5,
) -> Landscape:
    """Enumerate every configuration, its energy, the local minima and their basins.

    Axelrod & Bennett (1993) predict the alignment from the minima of E and weigh them by their
    basins of attraction. The enumeration is one array computation (no loop over
    configurations); n is limited by `MAX_ASSIGNMENTS` (n <= 20 in the published model).

    Steepest descent: from each configuration the move with the largest decrease of E (not of
    the mover's own frustration) is taken; ties go to the lowest actor index, then to the
    lowest side code (FIRST, SECOND, OUTSIDE); it stops where no move strictly lowers E. A move
    that leaves actor 0 in SECOND is stored as its mirror image. `outside` (boolean, one per
    actor) enables our non-aligned extension for the marked actors (see the module docstring).
    """
    s, p, scale = _model(sizes, propensity)
    if s.ndim != 1 or p.ndim != 2:
        raise ValueError("landscape takes one model: sizes of shape (n,), propensity (n, n)")
    n = s.size
    may_stay_out = _may_stay_out(outside, n)
    if may_stay_out.ndim != 1:
        raise ValueError("landscape takes one `outside` mask of shape (n,)")
    delta = _outside_distance(outside_distance)
    radix = np.where(may_stay_out, 3, 2)
    total = math.prod(radix.tolist())
    if total > MAX_ASSIGNMENTS:
        raise ValueError(
            f"{n} actors ({int(may_stay_out.sum())} allowed outside) give {total:,} side "
            f"assignments; landscape enumerates at most {MAX_ASSIGNMENTS:,} (2^20, i.e. n <= 20 "
            "with two coalitions) because memory grows with their number"
        )
    tolerance = _tolerance(s, scale)
    if outside is None:
        configurations, frustrations, successor = _two_coalition_landscape(s, p, tolerance)
    else:
        configurations, frustrations, successor = _general_landscape(s, p, radix, delta, tolerance)
    energies = frustrations.sum(axis=1)
    descends_to = _follow(successor)
    rows = np.arange(successor.size)
    fixed = rows[successor == rows]
    minima = fixed[np.lexsort((fixed, energies[fixed]))]
    basins = np.bincount(descends_to, minlength=rows.size)[minima] / rows.size
    arrays = (configurations, energies, frustrations, minima, basins, successor, descends_to)
    for array in arrays:
        array.flags.writeable = False
    return Landscape(*arrays)


def energy(
    sizes: np.ndarray, propensity: np.ndarray, side: np.ndarray, outside_distance: float = 0.5
) -> float | np.ndarray:
    """E = sum_i s_i F_i of a configuration (Axelrod & Bennett 1993, eq. 2).

    `side` holds one of FIRST/SECOND (0/1, or booleans) per actor, or OUTSIDE (2) under our
    extension. Stacked inputs, (N, n) sides, give one energy per row.
    """
    s, p, sides = _configuration(sizes, propensity, side)
    now = _frustration_options(s, p, sides, _outside_distance(outside_distance))[0]
    total = (s * now).sum(axis=-1)
    return float(total) if total.ndim == 0 else total


def frustration(
    sizes: np.ndarray, propensity: np.ndarray, side: np.ndarray, outside_distance: float = 0.5
) -> np.ndarray:
    """Each actor's frustration F_i = sum_j s_j p_ij d_ij (Axelrod & Bennett 1993, eq. 1).

    This is F_i itself; s_i·F_i (as in `Landscape.frustrations`) sums to the energy.
    """
    s, p, sides = _configuration(sizes, propensity, side)
    return _frustration_options(s, p, sides, _outside_distance(outside_distance))[0]


def switch_gains(
    sizes: np.ndarray,
    propensity: np.ndarray,
    sides: np.ndarray,
    outside: np.ndarray | None = None,
    outside_distance: float | np.ndarray = 0.5,
    closed: np.ndarray | None = None,
) -> np.ndarray:
    """How much each actor's frustration would fall if it made its best move, per draw.

    Positive: the actor would gain by defecting (in the published model, by switching sides;
    with `outside`, by its best move among the sides open to it). Shapes: sizes (n,) or (N, n),
    propensity (n, n) or (N, n, n), sides (n,) or (N, n), `outside_distance` one value or one per
    draw; the result has the sides' shape broadcast over the draws. No enumeration, so any
    number of actors.
    """
    return _best_gains(sizes, propensity, sides, outside, outside_distance, closed)[0]


def would_move(
    sizes: np.ndarray,
    propensity: np.ndarray,
    sides: np.ndarray,
    outside: np.ndarray | None = None,
    outside_distance: float | np.ndarray = 0.5,
    closed: np.ndarray | None = None,
) -> np.ndarray:
    """Per draw and actor: whether the actor could strictly lower its frustration by a single
    move (beyond the rounding tolerance). Shapes as in `switch_gains`. `closed` ((..., n, 3)
    booleans, where given) shuts moves to a side for an actor: our extension for a bloc that
    will not admit it; the published model has every move open."""
    gains, tolerance = _best_gains(sizes, propensity, sides, outside, outside_distance, closed)
    return gains > tolerance


def _best_gains(sizes, propensity, sides, outside, outside_distance, closed):
    """Each actor's gain from its best move (`switch_gains`) and the rounding tolerance."""
    s, p, codes, may_stay_out, tolerance = _draws(sizes, propensity, sides, outside)
    if outside is None and closed is None:
        return _switch_gains(s, p, codes), tolerance
    delta = _outside_distance(outside_distance)
    return _move_gains(s, p, codes, may_stay_out, delta, closed)[0].max(axis=0), tolerance


def is_stable(
    sizes: np.ndarray,
    propensity: np.ndarray,
    sides: np.ndarray,
    outside: np.ndarray | None = None,
    outside_distance: float | np.ndarray = 0.5,
    closed: np.ndarray | None = None,
) -> np.ndarray:
    """Whether no actor can strictly lower its frustration by a single move, per draw.

    By footnote 2 this is the same as: no single move strictly lowers E, i.e. the configuration
    is a local minimum of the landscape. Shapes as in `switch_gains`; returns one boolean per
    draw (a 0-d array for a single model and configuration).
    """
    moving = would_move(sizes, propensity, sides, outside, outside_distance, closed)
    return ~np.any(moving, axis=-1)


def descend(
    sizes: np.ndarray,
    propensity: np.ndarray,
    side: np.ndarray,
    outside: np.ndarray | None = None,
    outside_distance: float = 0.5,
    closed: np.ndarray | None = None,
) -> list[np.ndarray]:
    """The steepest-descent path from one configuration to the local minimum it settles in.

    The same rule as `landscape`: each step makes the move with the largest decrease of E,
    ties to the lowest actor index, then the lowest side code; the path ends where no move
    strictly lowers E. Returns the configurations as side codes, the start first. No
    enumeration: usable for any number of actors.
    """
    s, p, scale = _model(sizes, propensity)
    if s.ndim != 1 or p.ndim != 2:
        raise ValueError("descend takes one model: sizes of shape (n,), propensity (n, n)")
    may_stay_out = _may_stay_out(outside, s.size)
    codes = _side_codes(side, s.size, may_stay_out)
    delta, tolerance = _outside_distance(outside_distance), _tolerance(s, scale)
    path = [codes]
    for _ in range(2 * s.size * s.size + 2):  # E falls at every step: the path is finite
        gains = _move_gains(s, p, codes, may_stay_out, delta, closed)[0]
        fall = np.where(gains > tolerance, s * gains, -np.inf).T  # actors x targets
        if not np.isfinite(fall).any():
            return path
        actor, target = divmod(int(np.argmax(fall)), 3)  # first maximum: lowest actor, side
        codes = codes.copy()
        codes[actor] = target
        path.append(codes)
    raise RuntimeError("steepest descent did not settle")


# ----------------------------------------------------------------------------- checks


def _model(sizes: np.ndarray, propensity: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sizes and propensity as floats, checked, and max|p_ij| per draw (for the tie tolerance).

    The diagonal p_ii is left in place and skipped by `_weighted_sum`, which avoids copying
    large stacks of draws."""
    s = np.asarray(sizes, dtype=float)
    p = np.asarray(propensity, dtype=float)
    if p.ndim < 2 or p.shape[-1] != p.shape[-2]:
        raise ValueError(f"propensity must be a square n x n matrix, got shape {p.shape}")
    n = p.shape[-1]
    if n == 0:
        raise ValueError("the model needs at least one actor")
    if s.ndim < 1 or s.shape[-1] != n:
        raise ValueError(f"sizes must have one entry per actor ({n}), got shape {s.shape}")
    if not np.all(np.isfinite(s)) or np.any(s <= 0):
        raise ValueError("sizes must be finite and strictly positive")
    highest, lowest = p.max(axis=(-2, -1)), p.min(axis=(-2, -1))
    if not (np.all(np.isfinite(highest)) and np.all(np.isfinite(lowest))):
        raise ValueError("propensity contains NaN or infinite values")
    mirror = np.swapaxes(p, -1, -2)
    if not np.array_equal(p, mirror) and not np.allclose(p, mirror, rtol=1e-12, atol=1e-12):
        where = tuple(np.argwhere(~np.isclose(p, mirror, rtol=1e-12, atol=1e-12))[0])
        i, j = where[-2:]
        raise ValueError(
            f"propensity must be symmetric (the landscape needs p_ij == p_ji), but "
            f"p[{i}, {j}] = {p[where]} and p[{j}, {i}] = {mirror[where]}"
        )
    return s, p, np.maximum(highest, -lowest)


def _may_stay_out(outside: np.ndarray | None, n: int) -> np.ndarray:
    """The boolean mask of actors allowed outside (none for the published model)."""
    if outside is None:
        return np.zeros(n, dtype=bool)
    mask = np.asarray(outside)
    if mask.dtype != bool or mask.shape[-1:] != (n,):
        raise ValueError(f"outside must be a boolean mask with one entry per actor ({n})")
    return mask


def _outside_distance(delta: float | np.ndarray) -> float | np.ndarray:
    """delta as a float, or one per draw as a column (draws, 1) that broadcasts over actors."""
    values = np.asarray(delta, dtype=float)
    if values.ndim > 1 or not np.all((values >= 0.0) & (values <= 1.0)):
        raise ValueError(
            f"outside_distance must lie in [0, 1] (one value or one per draw), got {delta}"
        )
    return float(values) if values.ndim == 0 else values[:, None]


def _side_codes(sides: np.ndarray, n: int, may_stay_out: np.ndarray) -> np.ndarray:
    """Sides as int8 codes FIRST/SECOND/OUTSIDE, checked against the actors allowed out."""
    codes = np.asarray(sides)
    if codes.ndim < 1 or codes.shape[-1] != n:
        raise ValueError(f"sides must have one entry per actor ({n}), got shape {codes.shape}")
    if not np.all(np.isin(codes, (FIRST, SECOND, OUTSIDE))):
        raise ValueError("sides must be 0 (first coalition), 1 (second) or 2 (outside)")
    codes = codes.astype(np.int8)
    if np.any((codes == OUTSIDE) & ~may_stay_out):
        raise ValueError("side 2 (outside) is only allowed for actors marked in `outside`")
    return codes


def _configuration(sizes, propensity, side) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    s, p, _ = _model(sizes, propensity)
    return s, p, _side_codes(side, s.shape[-1], np.ones(s.shape[-1], dtype=bool))


def _draws(sizes, propensity, sides, outside):
    """Checked per-draw inputs whose leading (draw) dimensions broadcast together."""
    s, p, scale = _model(sizes, propensity)
    n = s.shape[-1]
    may_stay_out = _may_stay_out(outside, n)
    codes = _side_codes(sides, n, may_stay_out)
    try:
        np.broadcast_shapes(s.shape[:-1], p.shape[:-2], codes.shape[:-1], may_stay_out.shape[:-1])
    except ValueError:
        raise ValueError(
            f"the draws do not line up: sizes {s.shape}, propensity {p.shape}, sides "
            f"{codes.shape}; use (N, n), (N, n, n) and (N, n), or drop N to share one"
        ) from None
    return s, p, codes, may_stay_out, _tolerance(s, scale)


# ------------------------------------------------------------------------- the model


def _weighted_sum(p: np.ndarray, v: np.ndarray) -> np.ndarray:
    """sum_(j != k) p_kj v_j for every k, over stacked p (..., n, n) and v (..., n)."""
    total = v @ p.T if p.ndim == 2 else np.einsum("...kj,...j->...k", p, v)
    return total - np.diagonal(p, axis1=-2, axis2=-1) * v


def _frustration_options(
    s: np.ndarray, p: np.ndarray, sides: np.ndarray, delta: float
) -> tuple[np.ndarray, np.ndarray]:
    """F_k now, and F_k if actor k alone were in FIRST, SECOND or OUTSIDE (others fixed).

    With x = +1/-1/0 (FIRST/SECOND/OUTSIDE), o = 1 for outsiders, a_k = sum_j s_j p_kj,
    b_k = sum_j s_j p_kj x_j and c_k = sum_j s_j p_kj o_j: in a coalition x_k,
    F_k = (a_k - x_k b_k)/2 + (delta - 1/2) c_k; outside, F_k = delta (a_k - c_k).
    """
    x, o = side_vectors(sides)
    a = _weighted_sum(p, s)
    b = _weighted_sum(p, s * x)
    c = _weighted_sum(p, s * o) if o.any() else np.zeros_like(b)
    return _options(a, b, c, sides, delta)


def side_vectors(sides: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x = +1 / -1 / 0 for FIRST / SECOND / OUTSIDE, and o = 1 for outsiders."""
    x = np.where(sides == FIRST, 1.0, np.where(sides == SECOND, -1.0, 0.0))
    return x, (sides == OUTSIDE).astype(float)


def _option_values(a, b, c, delta) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """F_k if actor k were in FIRST, SECOND or OUTSIDE, from the weighted sums a, b, c."""
    return (
        0.5 * (a - b) + (delta - 0.5) * c,
        0.5 * (a + b) + (delta - 0.5) * c,
        delta * (a - c),
    )


def _options(a, b, c, sides, delta) -> tuple[np.ndarray, np.ndarray]:
    """F_k now and in each side, from the weighted sums a, b, c (see `_frustration_options`)."""
    options = np.stack(np.broadcast_arrays(*_option_values(a, b, c, delta)))
    now = np.take_along_axis(options, sides[None].astype(np.intp), axis=0)[0]
    return now, options


def gains_from_sums(
    a: np.ndarray,
    b: np.ndarray,
    c: np.ndarray,
    sides: np.ndarray,
    outside: np.ndarray,
    outside_distance: float | np.ndarray = 0.5,
    closed: np.ndarray | None = None,
) -> np.ndarray:
    """The fall in each actor's frustration for each move (axis 0: to FIRST, SECOND,
    OUTSIDE; -inf where the move is not open), from the weighted sums a_k = sum_j s_j p_kj,
    b_k = sum_j s_j p_kj x_j and c_k = sum_j s_j p_kj o_j (`side_vectors`). For callers that
    compute the sums without building every draw's propensity matrix."""
    shape = np.broadcast_shapes(np.shape(sides), np.shape(a), np.shape(b), np.shape(c))
    sides = np.broadcast_to(np.asarray(sides).astype(np.int8), shape)
    delta = _outside_distance(outside_distance)
    now, options = _options(a, b, c, sides, delta)
    return _open(now - options, sides, np.asarray(outside, dtype=bool), closed)


def best_gains_from_sums(
    a: np.ndarray,
    b: np.ndarray,
    c: np.ndarray,
    sides: np.ndarray,
    outside: np.ndarray,
    outside_distance: float | np.ndarray = 0.5,
    closed: np.ndarray | None = None,
) -> np.ndarray:
    """Each actor's gain from its best open move, -inf where none is open: exactly
    `gains_from_sums(...).max(axis=0)`, as F_now minus the lowest F among the open sides
    (rounding is monotonic), without stacking the gain of every move."""
    codes = np.asarray(sides).astype(np.int8)
    options = np.broadcast_arrays(*_option_values(a, b, c, _outside_distance(outside_distance)))
    now = np.choose(codes, options)
    shut = np.where(_open_moves(codes, np.asarray(outside, dtype=bool), closed), 0.0, np.inf)
    lowest = options[FIRST] + shut[FIRST]  # +inf where the move is not open
    for target in (SECOND, OUTSIDE):
        np.minimum(lowest, options[target] + shut[target], out=lowest)
    return now - lowest


#: F_k with actor k on each side (rows: FIRST, SECOND, OUTSIDE) as weights on its sums by
#: side A_g = sum_(j != k on side g) s_j p_kj (columns: g = FIRST, SECOND, OUTSIDE): d_kj is 1
#: across the two coalitions, delta between a coalition member and an outsider and 0 on the
#: same side, so F_k = A_SECOND + delta A_OUTSIDE in FIRST, A_FIRST + delta A_OUTSIDE in
#: SECOND and delta (A_FIRST + A_SECOND) outside; the weights are PLAIN + delta * PER_DELTA.
_SIDE_PLAIN = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
_SIDE_PER_DELTA = np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0]])


def move_weights(
    sides: np.ndarray, outside: np.ndarray, closed: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The open moves of one configuration, and each move's gain as weights on the mover's
    sums by side.

    Returns `movers` and `targets` (one entry per open move, ordered by mover, then target)
    and two (moves, 3) arrays `plain`, `per_delta`: the fall in the mover k's frustration,
    F_k now minus F_k on the target side (others fixed), is sum_g (plain[m, g] + delta
    per_delta[m, g]) A_g with A_g = sum_(j != k on side g) s_j p_kj (sides g = FIRST, SECOND,
    OUTSIDE). For one configuration the gains are thus linear in the propensities: a caller
    that has many draws of p (and one configuration) can sum each draw's p_kj with fixed
    weights instead of building every draw's frustrations. The same gains as
    `gains_from_sums` on the open moves; `outside` and `closed` as there."""
    codes = np.asarray(sides).astype(np.int8)
    if codes.ndim != 1:
        raise ValueError("move_weights takes one configuration: sides of shape (n,)")
    targets, movers = np.nonzero(_open_moves(codes, np.asarray(outside, dtype=bool), closed))
    order = np.lexsort((targets, movers))
    movers, targets = movers[order], targets[order]
    now = codes[movers]
    plain = _SIDE_PLAIN[now] - _SIDE_PLAIN[targets]
    return movers, targets, plain, _SIDE_PER_DELTA[now] - _SIDE_PER_DELTA[targets]


def _tolerance(s: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Per draw, the gain below which a move counts as a tie (see RELATIVE_TOLERANCE)."""
    return (RELATIVE_TOLERANCE * scale * s.sum(axis=-1))[..., None]


def _switch_gains(s: np.ndarray, p: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Published model: the fall in F_k if actor k switched sides, -x_k sum_j p_kj s_j x_j
    with x = +1 (FIRST) or -1 (SECOND): F_k = (a_k - x_k b_k)/2 becomes (a_k + x_k b_k)/2."""
    x = 1.0 - 2.0 * second
    return -x * _weighted_sum(p, s * x)


def _two_coalition_landscape(s: np.ndarray, p: np.ndarray, tolerance: np.ndarray):
    """Configurations, s_k F_k and steepest-descent successors of the published model.

    Row c has actor 0 in FIRST and actor j >= 1 in SECOND iff bit j-1 of c is set, so a switch
    by actor j >= 1 flips bit j-1 and a switch by actor 0 (mirrored back) flips all bits.
    """
    n = s.size
    rows = np.arange(1 << (n - 1), dtype=np.int64)
    second = np.zeros((rows.size, n), dtype=bool)
    second[:, 1:] = (rows[:, None] >> np.arange(n - 1)) & 1
    gains = _switch_gains(s, p, second)
    frustrations = 0.5 * s * (_weighted_sum(p, s) + gains)
    fall = np.where(gains > tolerance, s * gains, -np.inf)  # footnote 2: dE = 2 s_k dF_k
    mover = fall.argmax(axis=1)
    moves = fall[rows, mover] > -np.inf
    flips = np.concatenate(([rows.size - 1], 1 << np.arange(n - 1)))
    return second, frustrations, np.where(moves, rows ^ flips[mover], rows)


def _general_landscape(s, p, radix: np.ndarray, delta: float, tolerance: np.ndarray):
    """Configurations (side codes), s_k F_k and successors with the outside option."""
    states, full_index, canonical_of, strides = _canonical_states(radix)
    gains, now = _move_gains(s, p, states, radix == 3, delta)
    fall = np.where(gains > tolerance, 2.0 * s * gains, -np.inf)  # footnote 2: dE = 2 s_k dF_k
    best_target = fall.argmax(axis=0)
    best_fall = np.take_along_axis(fall, best_target[None], axis=0)[0]
    rows = np.arange(states.shape[0])
    mover = best_fall.argmax(axis=1)
    moves = np.isfinite(best_fall[rows, mover])
    step = (best_target[rows, mover] - states[rows, mover]) * strides[mover]
    return states, s * now, np.where(moves, canonical_of[full_index + step], rows)


def _move_gains(s, p, sides, may_stay_out, delta, closed=None):
    """Fall in F_k for each move (axis 0: to FIRST/SECOND/OUTSIDE; -inf if not open), F_k now.
    `closed` (..., n, 3), where given, shuts moves to a side (e.g. a bloc barred to an actor)."""
    now, options = _frustration_options(s, p, sides, delta)
    return _open(now - options, sides, may_stay_out, closed), now


def _open(gains: np.ndarray, sides: np.ndarray, may_stay_out, closed) -> np.ndarray:
    """Gains with -inf where a move is not open (see `_open_moves`)."""
    return np.where(_open_moves(sides, may_stay_out, closed), gains, -np.inf)


def _open_moves(sides: np.ndarray, may_stay_out, closed) -> np.ndarray:
    """Whether each move (axis 0: to FIRST, SECOND, OUTSIDE) is open: not to one's own side,
    not outside unless allowed, not to a side `closed` shuts."""
    target = np.arange(3).reshape((3,) + (1,) * sides.ndim)
    open_move = (target != sides) & ((target != OUTSIDE) | may_stay_out)
    if closed is not None:
        shut = np.moveaxis(np.asarray(closed, dtype=bool), -1, 0)  # (3, ..., n)
        shut = shut.reshape((3,) + (1,) * (sides.ndim + 1 - shut.ndim) + shut.shape[1:])
        open_move = open_move & ~shut
    return open_move


def _canonical_states(radix: np.ndarray):
    """All side assignments modulo mirroring FIRST <-> SECOND.

    Assignments are numbered in mixed radix (actor 0 the lowest digit). The canonical one has
    its first coalition member in FIRST; `canonical_of` maps every assignment's number to the
    row of its canonical form. In the published model the rows are the 2^(n-1) assignments
    with actor 0 in FIRST, row c having actor j >= 1 in SECOND iff bit j-1 of c is set.
    """
    strides = np.cumprod(np.concatenate(([1], radix[:-1]))).astype(np.int64)
    total = int(strides[-1] * radix[-1])
    numbers = np.arange(total, dtype=np.int64)
    states = ((numbers[:, None] // strides) % radix).astype(np.int8)
    lead = states[numbers, np.argmax(states != OUTSIDE, axis=1)]
    canonical = lead != SECOND
    canonical_of = np.empty(total, dtype=np.int64)
    canonical_of[canonical] = np.arange(int(canonical.sum()))
    mirrored = np.where(states == OUTSIDE, OUTSIDE, 1 - states)
    canonical_of[~canonical] = canonical_of[mirrored[~canonical] @ strides]
    return states[canonical], numbers[canonical], canonical_of, strides


def _follow(successor: np.ndarray) -> np.ndarray:
    """Where each configuration's descent ends, by pointer doubling (log2 of the path length)."""
    end = successor
    for _ in range(64):
        further = end[end]
        if np.array_equal(further, end):
            return end
        end = further
    raise RuntimeError("steepest descent did not settle (a cycle in the successor array)")
