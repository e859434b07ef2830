"""Richardson (1960) two-bloc arms race, solved exactly and vectorised over draws.

The model (Richardson 1960, *Arms and Insecurity*) couples the military spending of two blocs:

    dx/dt = a·y − m·x + g        x = the alliance's spending
    dy/dt = b·x − n·y + h        y = the rival bloc's spending

``a`` and ``b`` are *reaction* (defence) coefficients, ``m`` and ``n`` *fatigue* (cost)
coefficients and ``g``, ``h`` *grievances* (spending that persists whatever the other does).
With ``z = (x, y)`` and ``J = [[−m, a], [b, −n]]`` the system is linear, ``dz/dt = J z + c``,
so every path has the closed form

    z(t) = e^{Jt} z0 + (∫₀ᵗ e^{Js} ds) c,

which equals the textbook ``z* + e^{Jt}(z0 − z*)`` whenever an equilibrium ``z*`` exists and
stays exact where it does not (``m·n = a·b``: spending then grows linearly for ever). We never
step the ODE: a forward-Euler discretisation has a different stability region and would
misclassify arms races near the boundary ``m·n = a·b``.

Every function accepts scalars or numpy arrays of draws and broadcasts them (numpy rules), so
a Monte Carlo evaluates one call for all draws, never one Python call per draw.

The coefficients used for scenarios are labelled judgements in data/parameters.csv
(`arms.*`), each with its range and rationale.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "calibrate_grievances",
    "richardson_eigenvalues",
    "richardson_equilibrium",
    "richardson_path",
    "richardson_stable",
]


def _check_reactions(a: np.ndarray, b: np.ndarray) -> None:
    if np.any(a < 0):
        raise ValueError("reaction coefficient a must be >= 0")
    if np.any(b < 0):
        raise ValueError("reaction coefficient b must be >= 0")


def richardson_equilibrium(
    a: ArrayLike, b: ArrayLike, m: ArrayLike, n: ArrayLike, g: ArrayLike, h: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Steady state ``(x*, y*)`` where both derivatives vanish.

    ``x* = (n g + a h) / (m n − a b)`` and ``y* = (m h + b g) / (m n − a b)``. Where
    ``m n = a b`` the Jacobian is singular and there is no finite equilibrium: the result is
    ``±inf`` (the numerator's sign) or ``nan`` where the numerator is zero too (a line of
    equilibria or none). Note that a finite equilibrium can still be unstable (see
    :func:`richardson_stable`), in which case paths run away from it.
    """
    a, b, m, n, g, h = (np.asarray(v, dtype=float) for v in (a, b, m, n, g, h))
    det = m * n - a * b
    with np.errstate(divide="ignore", invalid="ignore"):
        x_star = (n * g + a * h) / det
        y_star = (m * h + b * g) / det
    return x_star, y_star


def richardson_stable(a: ArrayLike, b: ArrayLike, m: ArrayLike, n: ArrayLike) -> np.ndarray:
    """True where the race settles: both eigenvalues of ``J`` negative.

    Routh-Hurwitz for a 2x2 system: trace ``−(m + n) < 0`` and determinant ``m n − a b > 0``;
    with ``a, b ≥ 0`` this is Richardson's condition ``m n > a b`` with ``m, n > 0``. The
    boundary ``m n = a b`` is *not* stable (one zero eigenvalue: linear growth).
    """
    a, b, m, n = (np.asarray(v, dtype=float) for v in (a, b, m, n))
    return np.asarray((m + n > 0) & (m * n > a * b))


def richardson_eigenvalues(
    a: ArrayLike, b: ArrayLike, m: ArrayLike, n: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues ``(λ1, λ2)``, ``λ1 ≥ λ2``, of ``J = [[−m, a], [b, −n]]``.

    ``λ = (−(m + n) ± sqrt((m − n)² + 4 a b)) / 2``, real because ``a, b ≥ 0``.
    """
    a, b, m, n = (np.asarray(v, dtype=float) for v in (a, b, m, n))
    _check_reactions(a, b)
    half_gap = np.sqrt(0.25 * (m - n) ** 2 + a * b)
    centre = -0.5 * (m + n)
    return centre + half_gap, centre - half_gap


def calibrate_grievances(
    x0: ArrayLike, y0: ArrayLike, a: ArrayLike, b: ArrayLike, m: ArrayLike, n: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Grievances ``(g, h)`` that make today's spending ``(x0, y0)`` a steady state.

    Setting both derivatives to zero at ``(x0, y0)`` gives ``g = m x0 − a y0`` and
    ``h = n y0 − b x0``. This is how a status-quo scenario is anchored on observed spending;
    other scenarios then change ``a, b, m, n`` and keep ``g, h``.
    """
    x0, y0, a, b, m, n = (np.asarray(v, dtype=float) for v in (x0, y0, a, b, m, n))
    return m * x0 - a * y0, n * y0 - b * x0


def _expm1_over(x: np.ndarray) -> np.ndarray:
    """``(e^x − 1) / x`` with the limit 1 at ``x = 0``, accurate for small ``|x|``."""
    nz = x != 0
    if nz.all():
        return np.expm1(x) / x
    out = np.ones_like(x)
    out[nz] = np.expm1(x[nz]) / x[nz]
    return out


def _sinh_over(y: np.ndarray) -> np.ndarray:
    """``sinh(y) / y`` with the limit 1 at ``y = 0`` (series below 1e-4)."""
    small = np.abs(y) < 1e-4
    out = np.empty_like(y)
    ys = y[small]
    out[small] = 1.0 + ys * ys / 6.0
    yl = y[~small]
    out[~small] = np.sinh(yl) / yl
    return out


def _moments(x: np.ndarray, orders: tuple[int, ...]) -> dict[int, np.ndarray]:
    """``G_k(x) = ∫₀¹ u^k e^{x u} du`` for the requested odd orders, stable for all real x.

    Power series for ``|x| ≤ 4`` (terms shrink fast, little cancellation); the upward
    recurrence ``G_k = (e^x − k G_{k−1}) / x`` from ``G_0 = (e^x − 1)/x`` elsewhere (its error
    amplification ``k/|x|`` stays below one per step there).
    """
    top = max(orders)
    out = {k: np.empty_like(x) for k in orders}
    small = np.abs(x) <= 4.0
    xs = x[small]
    if xs.size:
        for k in orders:
            term = np.ones_like(xs)
            total = term / (k + 1)
            for i in range(1, 40):
                term = term * xs / i
                total = total + term / (i + k + 1)
            out[k][small] = total
    xl = x[~small]
    if xl.size:
        ex = np.exp(xl)
        gk = np.expm1(xl) / xl
        for k in range(1, top + 1):
            gk = (ex - k * gk) / xl
            if k in out:
                out[k][~small] = gk
    return out


def _integral_sinh_term(
    alpha: np.ndarray,
    delta: np.ndarray,
    t: np.ndarray,
    phi_plus: np.ndarray,
    phi_minus: np.ndarray,
    big: np.ndarray,
) -> np.ndarray:
    """``B(t) = ∫₀ᵗ e^{α s} sinh(δ s)/δ ds`` (``= ∫₀ᵗ e^{αs} s ds`` at ``δ = 0``).

    Where ``δ t`` is not small (``big``), the difference of the two exponential integrals
    ``(φ(α+δ) − φ(α−δ)) / 2δ``; elsewhere a Taylor series in ``δ²`` built from exact moments
    of ``e^{αs}``, so repeated eigenvalues (``δ → 0``) lose no precision.
    """
    if big.all():
        return (phi_plus - phi_minus) / (2.0 * delta)
    alpha, delta, t = np.broadcast_arrays(alpha, delta, t)
    out = np.empty(alpha.shape)
    out[big] = (phi_plus[big] - phi_minus[big]) / (2.0 * delta[big])
    sm = ~big
    if sm.any():
        a_s, d_s, t_s = alpha[sm], delta[sm], t[sm]
        g = _moments(a_s * t_s, (1, 3, 5, 7))
        d2t2 = (d_s * t_s) ** 2
        series = g[1] + d2t2 / 6.0 * (g[3] + d2t2 / 20.0 * (g[5] + d2t2 / 42.0 * g[7]))
        out[sm] = t_s * t_s * series
    return out


def richardson_path(
    x0: ArrayLike,
    y0: ArrayLike,
    a: ArrayLike,
    b: ArrayLike,
    m: ArrayLike,
    n: ArrayLike,
    g: ArrayLike,
    h: ArrayLike,
    years: ArrayLike,
) -> np.ndarray:
    """Exact spending paths, shape ``broadcast(x0, …, h).shape + (len(years), 2)``.

    ``out[..., k, 0]`` is the alliance's spending ``x`` and ``out[..., k, 1]`` the rivals'
    ``y`` at ``years[k]`` (years since the start, ``≥ 0``; need not be sorted).

    Method: with ``α = −(m+n)/2``, ``δ = sqrt(((m−n)/2)² + a b)`` and the traceless
    ``K = J − α I`` (so ``K² = δ² I``),

        e^{Jt}        = e^{αt} (cosh(δt) I + t·sinhc(δt) K)
        ∫₀ᵗ e^{Js} ds = A(t) I + B(t) K,
        A = ½(φ(α+δ) + φ(α−δ)),  B = (φ(α+δ) − φ(α−δ)) / (2δ),  φ(λ) = (e^{λt} − 1)/λ,

    so ``z(t) = e^{Jt} z0 + (A I + B K)(g, h)``. ``φ(0) = t`` makes the singular case
    ``m n = a b`` exact (linear growth along the null direction) and a series for ``B`` keeps
    the repeated-eigenvalue case ``δ = 0`` (``m = n``, ``a b = 0``) exact. Requires
    ``a, b ≥ 0``. Unstable paths overflow to ``±inf`` for very long horizons.
    """
    x0, y0, a, b, m, n, g, h = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (x0, y0, a, b, m, n, g, h))
    )
    _check_reactions(a, b)
    t = np.asarray(years, dtype=float).reshape(-1)
    if np.any(t < 0):
        raise ValueError("years must be >= 0 (time since the start)")
    shape = x0.shape
    ex = (..., None)  # add the time axis
    alpha = (-0.5 * (m + n))[ex]
    delta = np.sqrt(0.25 * (m - n) ** 2 + a * b)[ex]
    k11 = (0.5 * (n - m))[ex]  # K = [[(n-m)/2, a], [b, (m-n)/2]]
    k12, k21 = a[ex], b[ex]
    lam1, lam2 = alpha + delta, alpha - delta
    dt = delta * t
    dt = np.broadcast_to(dt, np.broadcast_shapes(dt.shape, alpha.shape))
    big = dt > 0.05
    e1, e2 = np.exp(lam1 * t), np.exp(lam2 * t)
    cosh_term = 0.5 * (e1 + e2)  # e^{αt} cosh(δt), without overflowing cosh
    with np.errstate(divide="ignore", invalid="ignore"):  # δ = 0 entries are replaced below
        sinh_term = (e1 - e2) / (2.0 * delta)  # e^{αt} sinh(δt)/δ where δt is not small
    small = ~big
    if small.any():  # series near δt = 0 (also δ = 0 exactly)
        alpha_t = np.broadcast_to(alpha, dt.shape)[small] * np.broadcast_to(t, dt.shape)[small]
        t_small = np.broadcast_to(t, dt.shape)[small]
        sinh_term[small] = np.exp(alpha_t) * t_small * _sinh_over(dt[small])
    phi_plus = t * _expm1_over(lam1 * t)
    phi_minus = t * _expm1_over(lam2 * t)
    coef_a = 0.5 * (phi_plus + phi_minus)
    coef_b = _integral_sinh_term(alpha, delta, t, phi_plus, phi_minus, big)
    xs, ys, gs, hs = x0[ex], y0[ex], g[ex], h[ex]
    out = np.empty(shape + (t.size, 2))
    out[..., 0] = (
        cosh_term * xs
        + sinh_term * (k11 * xs + k12 * ys)
        + coef_a * gs
        + coef_b * (k11 * gs + k12 * hs)
    )
    out[..., 1] = (
        cosh_term * ys
        + sinh_term * (k21 * xs - k11 * ys)
        + coef_a * hs
        + coef_b * (k21 * gs - k11 * hs)
    )
    return out
