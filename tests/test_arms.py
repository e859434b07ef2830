"""Richardson arms race: closed forms against hand values, matrix exponentials and an ODE solver."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.linalg import expm

from analysis.methods import arms

YEARS = np.array([0.0, 0.5, 1.0, 3.0, 10.0, 25.0])


def reference_by_expm(x0, y0, a, b, m, n, g, h, years):
    """Exact solution via the augmented 3x3 matrix exponential (independent of the module)."""
    aug = np.zeros((3, 3))
    aug[:2, :2] = [[-m, a], [b, -n]]
    aug[:2, 2] = [g, h]
    return np.array([(expm(aug * t) @ [x0, y0, 1.0])[:2] for t in years])


def reference_by_ode(x0, y0, a, b, m, n, g, h, years):
    def rhs(_t, z):
        return [a * z[1] - m * z[0] + g, b * z[0] - n * z[1] + h]

    sol = solve_ivp(rhs, (0.0, years.max()), [x0, y0], t_eval=years, rtol=1e-9, atol=1e-9)
    assert sol.success
    return sol.y.T


def test_equilibrium_and_stability_by_hand():
    # m n - a b = 0.04 - 0.012 = 0.028; x* = (0.2*1 + 0.1*2)/0.028, y* = (0.2*2 + 0.12*1)/0.028
    x_star, y_star = arms.richardson_equilibrium(0.1, 0.12, 0.2, 0.2, 1.0, 2.0)
    assert x_star == pytest.approx(0.4 / 0.028)
    assert y_star == pytest.approx(0.52 / 0.028)
    assert arms.richardson_stable(0.1, 0.12, 0.2, 0.2)
    assert not arms.richardson_stable(0.3, 0.4, 0.1, 0.2)  # 0.02 < 0.12: runaway
    assert not arms.richardson_stable(0.2, 0.2, 0.2, 0.2)  # boundary m n = a b
    assert not arms.richardson_stable(0.0, 0.0, -0.1, -0.1)  # negative fatigue
    # Singular: no finite equilibrium, sign of the numerator; 0/0 is nan.
    x_star, y_star = arms.richardson_equilibrium(0.2, 0.2, 0.2, 0.2, 1.0, -5.0)
    assert x_star == -np.inf and y_star == -np.inf
    x_star, _ = arms.richardson_equilibrium(0.2, 0.2, 0.2, 0.2, 0.0, 0.0)
    assert np.isnan(x_star)


def test_eigenvalues_match_numpy():
    for a, b, m, n in [(0.1, 0.12, 0.2, 0.2), (0.3, 0.4, 0.1, 0.2), (0.0, 0.5, 0.3, 0.3)]:
        lam1, lam2 = arms.richardson_eigenvalues(a, b, m, n)
        expected = np.sort(np.linalg.eigvals([[-m, a], [b, -n]]).real)[::-1]
        assert [lam1, lam2] == pytest.approx(expected)
    # Hand value: m = n = 0.2, a b = 0.04 -> -0.2 +- 0.2
    assert arms.richardson_eigenvalues(0.2, 0.2, 0.2, 0.2) == pytest.approx((0.0, -0.4))
    with pytest.raises(ValueError, match="reaction coefficient a"):
        arms.richardson_eigenvalues(-0.1, 0.1, 0.2, 0.2)


@pytest.mark.parametrize(
    "params",
    [
        pytest.param((1000.0, 400.0, 0.1, 0.12, 0.2, 0.2, 50.0, 20.0), id="stable"),
        pytest.param((1000.0, 400.0, 0.3, 0.4, 0.1, 0.2, 50.0, 20.0), id="unstable"),
        pytest.param((1000.0, 400.0, 0.2, 0.2, 0.2, 0.2, 50.0, 20.0), id="singular"),
        pytest.param((10.0, 4.0, 0.0, 0.0, 0.3, 0.3, 1.0, 2.0), id="repeated-ab0"),
        pytest.param((10.0, 4.0, 0.5, 0.0, 0.3, 0.3, 1.0, 2.0), id="repeated-defective"),
        pytest.param((10.0, 4.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0), id="zero-matrix"),
    ],
)
def test_path_matches_expm_and_ode(params):
    got = arms.richardson_path(*params, YEARS)
    assert got.shape == (YEARS.size, 2)
    np.testing.assert_allclose(got, reference_by_expm(*params, YEARS), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(got, reference_by_ode(*params, YEARS), rtol=1e-6, atol=1e-6)
    assert got[0] == pytest.approx(params[:2])


def test_singular_case_grows_linearly_along_null_direction():
    # m n = a b: J has eigenvalues 0 and -(m+n); the component of c along the null
    # direction accumulates, so spending grows like t for ever.
    a = b = m = n = 0.2
    path = arms.richardson_path(0.0, 0.0, a, b, m, n, 1.0, 1.0, [100.0, 200.0, 300.0])
    steps = np.diff(path, axis=0)
    np.testing.assert_allclose(steps[0], steps[1], rtol=1e-9)  # constant slope late on
    # Slope = projection of c = (1, 1) on the null vector (1, 1)/sqrt2, along (1, 1)/sqrt2.
    np.testing.assert_allclose(steps[0] / 100.0, [1.0, 1.0], rtol=1e-9)


def test_stable_path_converges_to_equilibrium():
    params = (1000.0, 400.0, 0.1, 0.12, 0.2, 0.2, 50.0, 20.0)
    x_star, y_star = arms.richardson_equilibrium(*params[2:])
    late = arms.richardson_path(*params, [400.0])[0]
    assert late == pytest.approx([x_star, y_star], rel=1e-9)


def test_broadcasting_over_draws_matches_one_by_one():
    rng = np.random.default_rng(7)
    draws = 200
    a = rng.uniform(0.0, 0.3, draws)
    b = np.where(rng.random(draws) < 0.2, 0.0, rng.uniform(0.0, 0.3, draws))
    m = rng.uniform(0.0, 0.5, draws)
    n = np.where(rng.random(draws) < 0.3, m, rng.uniform(0.0, 0.5, draws))  # some repeated
    g, h = arms.calibrate_grievances(800.0, 300.0, 0.1, 0.1, 0.2, 0.2)
    paths = arms.richardson_path(800.0, 300.0, a, b, m, n, g, h, YEARS)
    assert paths.shape == (draws, YEARS.size, 2)
    for i in range(0, draws, 17):
        expected = reference_by_expm(800.0, 300.0, a[i], b[i], m[i], n[i], g, h, YEARS)
        np.testing.assert_allclose(paths[i], expected, rtol=1e-10, atol=1e-8)
    grid = arms.richardson_path(800.0, 300.0, a[:3, None], b[None, :4], 0.2, 0.2, g, h, YEARS)
    assert grid.shape == (3, 4, YEARS.size, 2)
    stable = arms.richardson_stable(a, b, m, n)
    assert stable.shape == (draws,) and stable.dtype == bool


def test_calibrated_start_is_a_steady_state():
    a, b, m, n = 0.1, 0.12, 0.2, 0.2
    g, h = arms.calibrate_grievances(1000.0, 400.0, a, b, m, n)
    assert (g, h) == pytest.approx((0.2 * 1000 - 0.1 * 400, 0.2 * 400 - 0.12 * 1000))
    path = arms.richardson_path(1000.0, 400.0, a, b, m, n, g, h, YEARS)
    np.testing.assert_allclose(path, np.tile([1000.0, 400.0], (YEARS.size, 1)), rtol=1e-12)
    # Even an unstable system stays put when started exactly at its equilibrium.
    g, h = arms.calibrate_grievances(1000.0, 400.0, 0.3, 0.4, 0.1, 0.2)
    path = arms.richardson_path(1000.0, 400.0, 0.3, 0.4, 0.1, 0.2, g, h, YEARS)
    np.testing.assert_allclose(path, np.tile([1000.0, 400.0], (YEARS.size, 1)), rtol=1e-9)


def test_default_coefficients_are_labelled_judgements_with_a_stable_status_quo(world):
    params = world.parameters
    names = ["arms.reaction_alliance", "arms.reaction_rival", "arms.fatigue_alliance",
             "arms.fatigue_rival"]  # fmt: skip
    for name in names:
        assert params.loc[name, "rationale"].startswith("Judgement")
        assert params.loc[name, "low"] <= params.loc[name, "value"] <= params.loc[name, "high"]
    a, b, m, n = (params.loc[name, "value"] for name in names)
    assert arms.richardson_stable(a, b, m, n)
