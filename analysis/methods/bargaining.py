"""Bargaining forecasts on the 0-100 alliance scale.

Four published methods, from simplest to richest:

* :func:`weighted_mean` — Achen (2006): the capability × salience weighted mean of positions
  (Achen, "Evaluating political decision-making models", in Thomson, Stokman, Achen & König
  (eds), *The European Union Decides*, Cambridge UP).
* :func:`weighted_median` — Black (1948): the position no coalition of more than half the
  weight can move (Black, "On the rationale of group decision-making", *JPE* 56(1)).
* :func:`smp_turn0` — the initial state of KAPSARC's Spatial Model of Politics (KTAB,
  github.com/KAPSARC/KTAB, ``smp.cpp``/``kmodel.cpp``): utilities, inferred risk attitudes
  and each position's probability of prevailing.
* :func:`bdm_rounds` — Bueno de Mesquita's expected-utility model as reconstructed by Scholz,
  Calbert & Smith (2011), "Unravelling Bueno De Mesquita's group decision model", *Journal of
  Theoretical Politics* 23(4): 510-531, round by round.

All functions are pure and deterministic; the first two are vectorised over draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = [
    "SmpTurn0",
    "bdm_rounds",
    "pce_probabilities",
    "smp_turn0",
    "weighted_mean",
    "weighted_median",
]

#: Relative slack when testing "cumulative weight reached one half", so that an exact tie in
#: decimal inputs (0.1 + 0.2 vs 0.3) is not lost to binary rounding.
_HALF_SLACK = 1e-12


# --------------------------------------------------------------------------------------------
# Weighted mean and median (vectorised over a leading axis of draws)
# --------------------------------------------------------------------------------------------


def _weights(positions: np.ndarray, capability: ArrayLike, salience: ArrayLike) -> np.ndarray:
    """capability x salience, checked and broadcast against the positions; left as one row
    (actors,) when the positions have a leading axis of draws that all share it."""
    w = np.asarray(capability, dtype=float) * np.asarray(salience, dtype=float)
    shape = np.broadcast_shapes(w.shape, positions.shape)
    if np.any(w < 0):
        raise ValueError("capability and salience must be non-negative")
    if positions.ndim > 1 and w.ndim <= 1 and positions.shape[-1] == shape[-1]:
        return np.broadcast_to(w, shape[-1:])
    return np.broadcast_to(w, shape)


def weighted_mean(positions: ArrayLike, capability: ArrayLike, salience: ArrayLike) -> np.ndarray:
    """Capability × salience weighted mean position (Achen 2006), over the last axis.

    ``positions``, ``capability`` and ``salience`` broadcast against each other with actors on
    the last axis, e.g. ``[draws, actors]``; the result has the leading shape (a float array,
    0-d for a single case). ``nan`` where the total weight is zero.
    """
    x = np.asarray(positions, dtype=float)
    w = _weights(x, capability, salience)
    if w.ndim < x.ndim:  # one row of weights for every draw: a matrix-vector product
        weighted = x @ w
    else:
        weighted = (w * np.broadcast_to(x, w.shape)).sum(axis=-1)
    total = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(weighted / total)


def weighted_median(
    positions: ArrayLike,
    capability: ArrayLike,
    salience: ArrayLike,
    *,
    varying: ArrayLike | None = None,
) -> np.ndarray:
    """Capability × salience weighted median position (Black 1948), over the last axis.

    The median is the smallest position at which the cumulative weight, counted from the
    lowest position, reaches at least half of the total. Tie rule: when the cumulative weight
    equals exactly one half at position ``x_k`` (within a relative 1e-12), the result is the
    *lower* weighted median ``x_k`` — deterministic, and the Condorcet winner of the pairwise
    contests among the actors' positions whenever one exists. Shapes as in
    :func:`weighted_mean`; ``nan`` where the total weight is zero. Sorting along the last axis
    and one cumulative sum make a million draws of 16 actors a fraction of a second; draws
    that share their weights and vary few positions skip the sort (`_median_of_few_varying`).
    ``varying`` (the indices of the actors whose position may differ between draws, where the
    caller knows them; the others must be the same in every draw) saves looking for them.
    """
    x = np.asarray(positions, dtype=float)
    w = _weights(x, capability, salience)
    if w.ndim < x.ndim == 2:
        if varying is None:
            moving = ~np.all(x == x[:1], axis=0)
        else:
            moving = np.isin(np.arange(x.shape[-1]), np.asarray(varying, dtype=int))
        if 2 * np.count_nonzero(moving) <= x.shape[-1]:
            return _median_of_few_varying(x, w, moving)
    x = np.broadcast_to(x, np.broadcast_shapes(x.shape, w.shape))
    w = np.broadcast_to(w, x.shape)
    order = np.argsort(x, axis=-1)
    xs = np.take_along_axis(x, order, axis=-1)
    cum = np.cumsum(np.take_along_axis(w, order, axis=-1), axis=-1)
    total = cum[..., -1:]
    reached = cum >= total * (0.5 - _HALF_SLACK)
    k = np.argmax(reached, axis=-1)[..., None]
    median = np.take_along_axis(xs, k, axis=-1)[..., 0]
    return np.asarray(np.where(total[..., 0] > 0, median, np.nan))


def _median_of_few_varying(x: np.ndarray, w: np.ndarray, varying: np.ndarray) -> np.ndarray:
    """`weighted_median` of each row of x (draws, actors) with the weights w (actors,) of
    every draw, where only the columns `varying` differ between draws.

    The median is the smallest position c among the actors' with W(c) >= half the total,
    W(c) the weight of the actors at or below c: the same position the sorted cumulative sum
    reaches first (within a run of equal positions the run's last cumulative weight is W).
    The fixed actors' part of W comes from one sort of their positions; only the few varying
    actors are compared draw by draw."""
    steady = x[0, ~varying]
    order = np.argsort(steady, kind="stable")
    fs = steady[order]  # the fixed positions, ascending
    below_fixed = np.concatenate(([0.0], np.cumsum(w[~varying][order])))
    xv, wv = x[:, varying].T, w[varying]  # varying actors x draws
    total = w.sum()
    half = total * (0.5 - _HALF_SLACK)

    def added(c: np.ndarray) -> np.ndarray:
        """The varying actors' weight at or below positions c (candidates x draws), in one
        matrix product (each adds its weight where it lies at or below c)."""
        shape = np.broadcast_shapes(c.shape, xv.shape[1:])
        if not wv.size:
            return np.zeros(shape)
        at_or_below = (xv[:, None, :] <= c).reshape(wv.size, -1).astype(float)
        return (wv @ at_or_below).reshape(shape)

    # W at each fixed position (the cumulative weight up to the last equal one): it grows
    # with the position, so the lowest fixed position that reaches half comes after all those
    # that do not (sums of nonnegative terms in one order round monotonically too)
    on_fixed = below_fixed[np.searchsorted(fs, fs, side="right")][:, None] + added(fs[:, None])
    short = np.count_nonzero(on_fixed < half, axis=0)
    lowest_fixed = np.append(fs, np.inf)[short]
    # W at each varying position
    on_varying = below_fixed[np.searchsorted(fs, xv, side="right")] + added(xv)
    lowest = np.where(on_varying >= half, xv, np.inf).min(axis=0, initial=np.inf)
    np.minimum(lowest, lowest_fixed, out=lowest)
    return np.asarray(np.where(total > 0, lowest, np.nan))


# --------------------------------------------------------------------------------------------
# KTAB Spatial Model of Politics, initial state
# --------------------------------------------------------------------------------------------

VotingRule = Literal["binary", "prop_bin", "proportional", "prop_cubic", "cubic", "asym_prospect"]
VictoryModel = Literal["linear", "square", "quartic", "octic", "binary"]
PceModel = Literal["conditional", "markov_uniform", "markov_incentive"]
RiskRange = Literal["min", "mid", "max"]
RiskAdjust = Literal["full", "two_thirds", "half", "one_third", "none"]

_MIN_COALITION = 1e-8  # KTAB's floor on every coalition strength (avoids 0/0)


def _vote(rule: VotingRule, weight: np.ndarray, du: np.ndarray) -> np.ndarray:
    """KTAB ``Model::vote``: actor's vote for option i over j given utility gap ``du``."""
    binary = np.clip(du / 1e-8, -1.0, 1.0)
    if rule == "binary":
        return weight * binary
    if rule == "prop_bin":
        return weight * (0.8 * du + 0.2 * binary)
    if rule == "proportional":
        return weight * du
    if rule == "prop_cubic":
        return weight * (0.5 * du + 0.5 * du**3)
    if rule == "cubic":
        return weight * du**3
    if rule == "asym_prospect":  # losses count fully, gains two thirds
        return np.where(du < 0, weight * du, 2.0 * weight * du / 3.0)
    raise ValueError(f"unknown voting rule {rule!r}")


def _coalitions(rule: VotingRule, capability: np.ndarray, utility: np.ndarray) -> np.ndarray:
    """Coalition strengths ``C[i, j]`` for option i against option j (KTAB ``coalitions``).

    ``utility[k, i]`` is actor k's utility for option i. As in KTAB each pair is scanned once
    with the higher index first (``i > j``): positive votes add to ``C[i, j]``, negative votes
    to ``C[j, i]`` (this only matters for the asymmetric rule); every entry starts at 1e-8.
    """
    du = utility[:, :, None] - utility[:, None, :]  # [k, i, j]
    votes = _vote(rule, capability[:, None, None], du)
    pro = np.clip(votes, 0.0, None).sum(axis=0)
    con = np.clip(-votes, 0.0, None).sum(axis=0)
    n = utility.shape[1]
    lower = np.tril(np.ones((n, n), dtype=bool), k=-1)
    c = np.full((n, n), _MIN_COALITION)
    c[lower] += pro[lower]
    c.T[lower] += con[lower]
    return c


def _victory(model: VictoryModel, c: np.ndarray) -> np.ndarray:
    """Pairwise probabilities ``P[i, j]`` that option i beats j (KTAB ``vProb``)."""
    if model == "binary":  # 10% or more advantage wins outright, linear in between
        thresh, min_x = 1.10, 1e-6
        ct = c.T
        ratio = c / (c + ct)
        interp = (ratio * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        x1 = np.where(c >= thresh * ct, 1.0, np.where(ct >= thresh * c, min_x, interp))
        x2 = np.where(c >= thresh * ct, min_x, np.where(ct >= thresh * c, 1.0, 1.0 - interp))
        p = x1 / (x1 + x2)
    else:
        power = {"linear": 1, "square": 2, "quartic": 4, "octic": 8}[model]
        x = c**power
        p = x / (x + x.T)
    np.fill_diagonal(p, 0.5)
    return p


def _markov_uniform(pv: np.ndarray) -> np.ndarray:
    n = pv.shape[0]
    p = np.full(n, 1.0 / n)
    for _ in range(1000):
        q = (pv * (p[:, None] + p[None, :])).sum(axis=1) / n
        change = np.max(np.abs(q - p))
        p = 0.5 * (p + q)
        if change <= 1e-6:
            return p
    raise RuntimeError("Markov uniform PCE did not converge in 1000 iterations")


def _markov_incentive(c: np.ndarray, pv: np.ndarray) -> np.ndarray:
    n = pv.shape[0]
    incentive = c * pv + np.eye(n) * 1e-10
    challenge = incentive / incentive.sum(axis=0, keepdims=True)  # P[i challenges j]
    p = np.full(n, 1.0 / n)
    for _ in range(1000):
        ct = p[:, None] * challenge.T  # ct[i, j] = p_i * challenge[j, i]
        q = (pv * (ct + ct.T)).sum(axis=1)
        change = np.max(np.abs(q - p))
        p = 0.5 * (p + q)
        if change <= 1e-8:
            return p
    raise RuntimeError("Markov incentive PCE did not converge in 1000 iterations")


def pce_probabilities(
    capability: ArrayLike,
    utility: ArrayLike,
    *,
    voting_rule: VotingRule = "proportional",
    victory_model: VictoryModel = "linear",
    pce: PceModel = "conditional",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Probabilistic Condorcet election over options (KTAB ``scalarPCE``).

    ``capability`` has one entry per actor, ``utility[k, i]`` is actor k's utility for option
    i. Returns ``(p, pairwise, coalitions)``: the probability that each option prevails, the
    matrix ``P[i > j]`` and the coalition strengths. The conditional PCE takes ``p_i``
    proportional to ``Π_j P[i > j]`` (probability that i beats every alternative, conditional
    on one option doing so); the Markov variants iterate KTAB's challenge processes.
    """
    w = np.asarray(capability, dtype=float)
    u = np.asarray(utility, dtype=float)
    if np.any(w <= 0):
        raise ValueError("capabilities (voting weights) must be positive, as in KTAB")
    c = _coalitions(voting_rule, w, u)
    pv = _victory(victory_model, c)
    if pce == "conditional":
        p = pv.prod(axis=1)
        p = p / p.sum()
    elif pce == "markov_uniform":
        p = _markov_uniform(pv)
    elif pce == "markov_incentive":
        p = _markov_incentive(c, pv)
    else:
        raise ValueError(f"unknown PCE model {pce!r}")
    return p, pv, c


def _risk_from_probability(p: np.ndarray, rule: RiskRange) -> np.ndarray:
    """KTAB ``bigRfromProb``: map win probabilities to risk attitudes (most likely → +1)."""
    lo, hi = p.min(), p.max()
    if hi - lo <= 0:
        return np.zeros_like(p)  # all positions equally likely: everyone risk neutral
    if rule == "min":
        return (p - lo) / (hi - lo)  # [0, 1]
    if rule == "mid":
        return (3.0 * p - (hi + 2.0 * lo)) / (2.0 * (hi - lo))  # [-1/2, 1]
    if rule == "max":
        return (2.0 * p - (hi + lo)) / (hi - lo)  # [-1, 1]
    raise ValueError(f"unknown risk range {rule!r}")


def _perceived_risk(r: np.ndarray, rule: RiskAdjust) -> np.ndarray:
    """KTAB ``estNRA``: ``R[h, i]`` is h's estimate of i's risk attitude (anchored on r_h)."""
    own, other = r[:, None], r[None, :]
    weights = {"full": 1.0, "two_thirds": 2 / 3, "half": 0.5, "one_third": 1 / 3, "none": 0.0}
    if rule not in weights:
        raise ValueError(f"unknown risk adjustment {rule!r}")
    return (1.0 - weights[rule]) * own + weights[rule] * other


def _spatial_utility(distance: np.ndarray, risk: np.ndarray) -> np.ndarray:
    """KTAB ``bsUtil``: ``(1 − d)(1 + d R)`` on ``d ≤ 1`` (risk-averse R > 0 is concave)."""
    return np.where(
        distance <= 1.0, (1.0 - distance) * (1.0 + distance * risk), (1.0 - distance) * (1.0 + risk)
    )


@dataclass(frozen=True)
class SmpTurn0:
    """Initial state of KTAB's Spatial Model of Politics (see :func:`smp_turn0`).

    ``values[i, j]``: risk-neutral utility to actor i of actor j's position.
    ``risk_attitudes[i]``: inferred risk attitude (range per ``risk_range``; +1 risk averse).
    ``utilities[i, j]``: risk-aware (objective) utility with i's own risk attitude.
    ``perceived_utilities[h, i, j]``: h's estimate of ``utilities[i, j]`` (``risk_adjust``).
    ``unique_actors``: index of the first actor holding each distinct position.
    ``position_probability``: probability that each distinct position prevails.
    ``actor_probability[i]``: probability of actor i's position (shared by equal positions).
    """

    values: np.ndarray
    risk_attitudes: np.ndarray
    utilities: np.ndarray
    perceived_utilities: np.ndarray
    unique_actors: np.ndarray
    position_probability: np.ndarray
    actor_probability: np.ndarray

    def table(self, names: list[str] | None = None) -> pd.DataFrame:
        """One row per actor: risk attitude and the probability its position prevails."""
        n = self.risk_attitudes.size
        index = pd.Index(names if names is not None else range(n), name="actor")
        return pd.DataFrame(
            {"risk_attitude": self.risk_attitudes, "win_probability": self.actor_probability},
            index=index,
        )


def _as_matrix(values: ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{name} must be n_actors x n_dimensions")
    return arr


def _unique_positions(pos: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """First-occurrence representatives of positions closer than ``tol`` (KTAB ``posTol``)."""
    reps: list[int] = []
    member = np.empty(pos.shape[0], dtype=int)
    for i in range(pos.shape[0]):
        for k, j in enumerate(reps):
            if np.linalg.norm(pos[i] - pos[j]) < tol:
                member[i] = k
                break
        else:
            member[i] = len(reps)
            reps.append(i)
    return np.array(reps), member


def smp_turn0(
    capability: ArrayLike,
    positions: ArrayLike,
    saliences: ArrayLike,
    *,
    voting_rule: VotingRule = "proportional",
    victory_model: VictoryModel = "linear",
    pce: PceModel = "conditional",
    risk_range: RiskRange = "mid",
    risk_adjust: RiskAdjust = "one_third",
    position_tolerance: float = 1e-3,
) -> SmpTurn0:
    """Turn 0 of KTAB's Spatial Model of Politics: who is likely to prevail, and how risky.

    ``positions`` and ``saliences`` are ``n_actors × n_dimensions`` on 0-100 (a vector is one
    dimension); they are divided by 100 as KTAB does. ``capability`` is each actor's raw power
    (KTAB's ``sCap``). Steps (KTAB ``SMPState::setAllAUtil`` and ``pDist``):

    1. Salience-normalised distance from i to j: ``d_ij = sqrt(Σ_k (s_ik Δ_k)² / Σ_k s_ik²)``.
    2. Risk-neutral values ``u_ij = 1 − d_ij`` (``bsUtil`` with R = 0).
    3. Probabilistic Condorcet election over all n positions with those values (voting rule,
       victory model and PCE as selected; defaults Prop, Linear, Conditional), then risk
       attitudes from the win probabilities (``risk_range``, default Mid: ``[−1/2, 1]``; the
       likeliest winner is most risk averse).
    4. Risk-aware utilities ``(1 − d)(1 + d R_i)``; ``perceived_utilities[h]`` uses h's estimate
       of each actor's attitude (``risk_adjust``, default OneThird: ``(2 r_h + r_i)/3``).
    5. Win probabilities of the distinct positions (closer than ``position_tolerance`` on the
       0-1 scale counts as the same position, KTAB's ``posTol``) from a PCE in which each actor
       judges with its own risk-aware utilities.
    """
    w = np.asarray(capability, dtype=float).reshape(-1)
    pos = _as_matrix(positions, "positions") / 100.0
    sal = _as_matrix(saliences, "saliences") / 100.0
    n = w.size
    if pos.shape != sal.shape or pos.shape[0] != n:
        raise ValueError("capability, positions and saliences must describe the same actors")
    if np.any(sal < 0):
        raise ValueError("saliences must be non-negative")
    sal_norm = (sal**2).sum(axis=1)
    if np.any(sal_norm <= 0):
        raise ValueError("every actor needs a positive salience on some dimension")
    options = dict(voting_rule=voting_rule, victory_model=victory_model, pce=pce)

    gap = pos[None, :, :] - pos[:, None, :]  # [i, j, k] = x_jk - x_ik
    distance = np.sqrt(((gap * sal[:, None, :]) ** 2).sum(axis=2) / sal_norm[:, None])
    values = _spatial_utility(distance, np.zeros((n, 1)))
    p_all, _, _ = pce_probabilities(w, values, **options)
    risk = _risk_from_probability(p_all, risk_range)
    utilities = _spatial_utility(distance, risk[:, None])
    perceived = _spatial_utility(
        distance[None, :, :], _perceived_risk(risk, risk_adjust)[:, :, None]
    )
    reps, member = _unique_positions(pos, position_tolerance)
    p_unique, _, _ = pce_probabilities(w, utilities[:, reps], **options)
    return SmpTurn0(
        values=values,
        risk_attitudes=risk,
        utilities=utilities,
        perceived_utilities=perceived,
        unique_actors=reps,
        position_probability=p_unique,
        actor_probability=p_unique[member],
    )


# --------------------------------------------------------------------------------------------
# Bueno de Mesquita's expected-utility model (Scholz, Calbert & Smith 2011)
# --------------------------------------------------------------------------------------------


def _bdm_probability(
    x: np.ndarray, w: np.ndarray, r: np.ndarray, span: float, normalise: str
) -> np.ndarray:
    """``P[i, j]``: i's chance of prevailing over j from the votes of all actors.

    Votes are risk-adjusted distances, ``v_k(i, j) = w_k((|x_k − x_j|/R)^{r_k} −
    (|x_k − x_i|/R)^{r_k})``; the numerator sums the votes for i. ``"all_pairs"`` divides by
    the total absolute vote over *every* ordered pair of actors (as in Scholz et al.'s own
    implementation, as reported by its public translations); ``"pairwise"`` by the absolute
    votes on this pair only (their eq. 31). ``P = 0`` between equal positions.
    """
    dist = (np.abs(x[:, None] - x[None, :]) / span) ** r[:, None]  # [k, position of actor]
    votes = w[:, None, None] * (dist[:, None, :] - dist[:, :, None])  # [k, i, j]
    pro = np.clip(votes, 0.0, None).sum(axis=0)
    if normalise == "all_pairs":
        den = np.abs(votes).sum()
        p = pro / den if den > 0 else np.zeros_like(pro)
    elif normalise == "pairwise":
        den = np.abs(votes).sum(axis=0)
        p = np.divide(pro, den, out=np.zeros_like(pro), where=den > 0)
    else:
        raise ValueError(f"unknown probability normalisation {normalise!r}")
    p[x[:, None] == x[None, :]] = 0.0
    return p


def _bdm_expected_utility(
    x: np.ndarray,
    s: np.ndarray,
    p: np.ndarray,
    r: np.ndarray | float,
    span: float,
    q: float,
    median: float,
) -> np.ndarray:
    """``E[i, j]``: expected utility of i challenging j (Scholz et al. eqs. 5-7, 15-24).

    ``E = s_j (P U_s + (1 − P) U_f) + (1 − s_j) U_s − Q U_sq − (1 − Q)(T U_b + (1 − T) U_w)``
    with ``U_s = 2 − 4(½ − ½ d)^r``, ``U_f = 2 − 4(½ + ½ d)^r``, ``U_sq = 2 − 4·½^r``,
    ``U_b/U_w = 2 − 4(½ ∓ ¼(|x_i − μ| + |x_i − x_j|)/R)^r`` and ``d = |x_i − x_j|/R``. ``T = 1``
    when j moving to the median μ would bring it closer to i (``|x_i − μ| < |x_i − x_j|``).
    ``r`` is the risk exponent of the actor whose perspective is taken.
    """
    d = np.abs(x[:, None] - x[None, :]) / span
    u_success = 2.0 - 4.0 * (0.5 - 0.5 * d) ** r
    u_failure = 2.0 - 4.0 * (0.5 + 0.5 * d) ** r
    u_status_quo = 2.0 - 4.0 * 0.5**r
    e = s[None, :] * (p * u_success + (1.0 - p) * u_failure) + (1.0 - s[None, :]) * u_success
    e = e - q * u_status_quo
    if q != 1.0:
        to_median = np.abs(x - median)[:, None]
        spread = 0.25 * (to_median + np.abs(x[:, None] - x[None, :])) / span
        u_better = 2.0 - 4.0 * np.clip(0.5 - spread, 0.0, None) ** r
        u_worse = 2.0 - 4.0 * (0.5 + spread) ** r
        better = to_median < np.abs(x[:, None] - x[None, :])
        e = e - (1.0 - q) * np.where(better, u_better, u_worse)
    return e


def bdm_rounds(
    capability: ArrayLike,
    positions: ArrayLike,
    saliences: ArrayLike,
    rounds: int = 8,
    q: float = 1.0,
    *,
    names: list[str] | None = None,
    position_range: float | None = None,
    probability: Literal["all_pairs", "pairwise"] = "all_pairs",
    compromise_choice: Literal["scholz", "least_move"] = "scholz",
) -> pd.DataFrame:
    """Bueno de Mesquita's expected-utility model, round by round (Scholz et al. 2011).

    ``capability`` (any positive scale), ``positions`` (one dimension, e.g. the 0-100 alliance
    scale) and ``saliences`` (0-100, divided by 100 because salience is the probability that
    the target resists) describe the actors. Returns one row per round, ``round`` 0 being the
    input: each actor's position (columns ``names``), the weighted ``median`` and ``mean``
    (weights capability × salience, as :func:`weighted_median` / :func:`weighted_mean`) and
    ``max_move``, the largest position change in that round. ``df.attrs["converged"]`` is True
    when nobody moved in the last round; the model need not converge (in Scholz et al.'s
    emission-standards example it cycles) — inspect ``max_move`` and the median path.
    ``df.attrs["risk_exponents"]`` holds each round's risk exponents ``r_i``.

    Conventions (the paper leaves these open; each is the one that reproduces its Table 2):

    * Risk (their §5, eqs. 32-34): each round starts from ``r_i = 1``; actor i's vulnerability
      is the sum of the expected utilities the others would get by challenging it, rescaled
      to ``R_i ∈ [−1, 1]`` across actors, then ``r_i = (1 − R_i/3)/(1 + R_i/3)``. All
      expected utilities used for moves are then recomputed with these ``r_i``.
    * Perspective: actor i judges both ``E^i(U_ij)`` and ``E^j(U_ji)`` with its own ``r_i``.
    * Distances are divided by ``position_range`` (default: the spread of the *initial*
      positions, fixed for all rounds).
    * Probability of prevailing: risk-adjusted votes, normalised over all pairs
      (``probability="all_pairs"``, see :func:`_bdm_probability`); ``"pairwise"`` is eq. 31.
    * Offers to i from each j with a different position, from i's view (their §6):
      conflict (``E^j > E^i > 0``): i moves to ``x_j``; compromise (``E^j > 0 > E^i``,
      ``E^j > |E^i|``): i moves the fraction ``|E^i/E^j|`` towards ``x_j``; capitulation
      (``E^j > 0 > E^i``, ``|E^i| ≥ E^j``): i moves to ``x_j``. i accepts a conflict offer if
      it has one (the one needing the least movement), else a compromise, else a
      capitulation (least movement). Among compromises, ``compromise_choice="scholz"`` takes
      the lowest EU-weighted midpoint ``(|E^i| x_i + |E^j| x_j)/(|E^i| + |E^j|)``, as Scholz
      et al.'s implementation is reported to; ``"least_move"`` takes the smallest move.
      Ties go to the lower-indexed proposer. All moves of a round are simultaneous.
    * ``q`` is the probability that the target stays put if not challenged (the paper uses
      1.0 for its example); for ``q < 1`` the no-challenge branch uses ``U_b``/``U_w`` with
      the current weighted median as μ.
    """
    w_cap = np.asarray(capability, dtype=float).reshape(-1)
    x = np.asarray(positions, dtype=float).reshape(-1).copy()
    s = np.asarray(saliences, dtype=float).reshape(-1) / 100.0
    n = x.size
    if w_cap.size != n or s.size != n:
        raise ValueError("capability, positions and saliences must have one entry per actor")
    if np.any(w_cap < 0) or np.any(s < 0) or np.any(s > 1):
        raise ValueError("capabilities must be >= 0 and saliences within 0-100")
    if rounds < 0:
        raise ValueError("rounds must be >= 0")
    if compromise_choice not in ("scholz", "least_move"):
        raise ValueError(f"unknown compromise_choice {compromise_choice!r}")
    names = list(names) if names is not None else [f"actor_{i}" for i in range(n)]
    if len(names) != n:
        raise ValueError("one name per actor")
    weight = w_cap * s
    span = float(position_range) if position_range is not None else float(np.ptp(x))
    if span <= 0:
        span = 1.0  # all actors agree: nothing can move, avoid 0/0

    path, risk_history = [x], []
    for _ in range(rounds):
        # the current weighted median enters only the no-challenge branch (q < 1)
        median = float(weighted_median(x, w_cap, s)) if q != 1.0 else np.nan
        ones = np.ones(n)
        e_neutral = _bdm_expected_utility(
            x, s, _bdm_probability(x, weight, ones, span, probability), 1.0, span, q, median
        )
        np.fill_diagonal(e_neutral, 0.0)
        exposure = e_neutral.sum(axis=0)  # what the others expect from challenging i
        lo, hi = exposure.min(), exposure.max()
        big_r = (2.0 * exposure - hi - lo) / (hi - lo) if hi > lo else np.zeros(n)
        r = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
        risk_history.append(r)
        p = _bdm_probability(x, weight, r, span, probability)
        # every actor's perspective at once: views[i] is E from i's view (exponent r_i)
        views = _bdm_expected_utility(x, s, p, r[:, None, None], span, q, median)
        x = _accepted_offers(x, views, compromise_choice)
        path.append(x)
    steps = np.array(path)
    each = np.broadcast_to(w_cap, steps.shape)  # weights per round: each round on its own
    moves = np.abs(np.diff(steps, axis=0)).max(axis=1, initial=0.0)
    summary = [weighted_median(steps, each, s), weighted_mean(steps, each, s), [0.0, *moves]]
    frame = pd.DataFrame(
        np.column_stack([steps, *summary]),
        index=pd.RangeIndex(rounds + 1, name="round"),
        columns=[*names, "median", "mean", "max_move"],
    )
    frame.attrs["converged"] = bool(rounds > 0 and frame["max_move"].iloc[-1] <= 1e-9 * span)
    frame.attrs["risk_exponents"] = pd.DataFrame(
        risk_history, index=pd.RangeIndex(1, rounds + 1, name="round"), columns=names
    )
    return frame


def _accepted_offers(x: np.ndarray, views: np.ndarray, choice: str) -> np.ndarray:
    """The positions every actor takes this round (moves are simultaneous). ``views[i]`` holds
    the expected utilities from i's view, so i weighs ``E^i = views[i, i, j]`` against
    ``E^j = views[i, j, i]`` for each proposer j. The first kind of offer i has (conflict,
    then compromise, then capitulation) wins; within it the smallest key, the lower-indexed
    proposer on ties (``argmin`` keeps the first)."""
    n = x.size
    actor = np.arange(n)
    mine, theirs = views[actor, actor, :], views[actor, :, actor]  # [i, j]
    here, there = x[:, None], x[None, :]
    differ = here != there
    conflict = differ & (theirs > mine) & (mine > 0)
    yielding = differ & (theirs > 0) & (mine < 0)
    compromise = yielding & (theirs > -mine)
    capitulation = yielding & ~compromise
    distance = np.abs(there - here)
    with np.errstate(divide="ignore", invalid="ignore"):
        target = here + (there - here) * (-mine / theirs)
        midpoint = (-mine * here + theirs * there) / (theirs - mine)
    compromise_key = midpoint if choice == "scholz" else np.abs(target - here)
    moved, decided = x.copy(), np.zeros(n, dtype=bool)
    for offers, key, value in (
        (conflict, distance, np.broadcast_to(there, (n, n))),
        (compromise, compromise_key, target),
        (capitulation, distance, np.broadcast_to(there, (n, n))),
    ):
        takes = offers.any(axis=1) & ~decided
        best = np.argmin(np.where(offers, key, np.inf), axis=1)
        moved[takes] = value[actor, best][takes]
        decided |= takes
    return moved
