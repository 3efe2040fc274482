"""Tests of mmlcalc.stationary: the second-derivative test."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import mmlcalc as mml
from mmlcalc.stationary import STATIONARY_KINDS, classify_stationary_point

# --- known values -------------------------------------------------------------------------------


@pytest.mark.parametrize(("H", "kind"), [
    ([[2, 0], [0, 2]], "minimum"),          # x^2 + y^2
    ([[-2, 0], [0, -2]], "maximum"),        # -x^2 - y^2
    ([[2, 0], [0, -2]], "saddle"),          # x^2 - y^2
    ([[0, 1], [1, 0]], "saddle"),           # xy
    ([[0, 0], [0, 0]], "inconclusive"),     # x^4 + y^4, x^4 - y^4
    ([[2, 0], [0, 0]], "inconclusive"),     # x^2 + y^4
    ([[5]], "minimum"),
    ([[4, 1, 0], [1, 3, 1], [0, 1, 2]], "minimum"),
    ([[1, 2, 0], [2, 1, 0], [0, 0, 1]], "saddle"),
    # a zero eigenvalue does not spoil a saddle when the others have both signs (n >= 3)
    ([[2, 0, 0], [0, 0, 0], [0, 0, -2]], "saddle"),    # x^2 + y^4 - z^2
    ([[1, 1, 0], [1, 1, 0], [0, 0, -3]], "saddle"),    # eigenvalues 2, 0, -3
    ([[2, 0, 0], [0, 0, 0], [0, 0, 3]], "inconclusive"),  # semidefinite and singular
    ([[-2, 0, 0], [0, 0, 0], [0, 0, -3]], "inconclusive"),
])
def test_known_kinds(H, kind):
    assert classify_stationary_point(H) == kind
    assert kind in STATIONARY_KINDS


def test_accepts_a_sympy_matrix_and_is_exported():
    x, y = sp.symbols("x y")
    H = sp.hessian(x**3 + y**3 - 3 * x * y, (x, y))
    assert mml.classify_stationary_point(H.subs({x: 1, y: 1})) == "minimum"
    assert mml.classify_stationary_point(H.subs({x: 0, y: 0})) == "saddle"


def test_a_saddle_with_a_zero_eigenvalue_really_is_a_saddle():
    # x^2 + y^4 - z^2 at the origin: H = diag(2, 0, -2); f rises along x and falls along z
    x, y, z = sp.symbols("x y z")
    f = x**2 + y**4 - z**2
    H = sp.hessian(f, (x, y, z)).subs({x: 0, y: 0, z: 0})
    assert classify_stationary_point(H) == "saddle"
    t = sp.Rational(1, 100)
    assert f.subs({x: t, y: 0, z: 0}) > 0 > f.subs({x: 0, y: 0, z: t})


def test_finite_difference_hessians_classify_like_exact_ones():
    f = lambda p: p[..., 0] ** 3 + p[..., 1] ** 3 - 3 * p[..., 0] * p[..., 1]  # noqa: E731
    assert classify_stationary_point(mml.hessian(f, [1.0, 1.0])) == "minimum"
    assert classify_stationary_point(mml.hessian(f, [0.0, 0.0])) == "saddle"


# --- agreement with a reference: sympy's definiteness, and the 2 x 2 determinant rule -----------

entry = st.integers(min_value=-6, max_value=6)


@settings(max_examples=30, deadline=None)
@given(a=entry, b=entry, c=entry, d=entry, e=entry, f=entry)
def test_agrees_with_sympy_definiteness(a, b, c, d, e, f):
    H = sp.Matrix([[a, b, c], [b, d, e], [c, e, f]])
    kind = classify_stationary_point(H)
    assert (kind == "minimum") == H.is_positive_definite
    assert (kind == "maximum") == H.is_negative_definite
    indefinite = not H.is_positive_semidefinite and not H.is_negative_semidefinite
    assert (kind == "saddle") == indefinite


@settings(max_examples=50, deadline=None)
@given(a=entry, b=entry, d=entry)
def test_agrees_with_the_determinant_rule_in_two_dimensions(a, b, d):
    det = a * d - b * b
    expected = ("saddle" if det < 0 else "inconclusive" if det == 0
                else "minimum" if a > 0 else "maximum")
    assert classify_stationary_point([[a, b], [b, d]]) == expected


# --- properties ---------------------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(l1=st.floats(-5, 5).filter(lambda v: abs(v) > 0.1),
       l2=st.floats(-5, 5).filter(lambda v: abs(v) > 0.1),
       angle=st.floats(0, 2 * np.pi))
def test_rotation_does_not_change_the_kind_and_negation_swaps_min_and_max(l1, l2, angle):
    c, s = np.cos(angle), np.sin(angle)
    R = np.array([[c, -s], [s, c]])
    D = np.diag([l1, l2])
    H = R @ D @ R.T
    H = (H + H.T) / 2
    kind = classify_stationary_point(D)
    assert classify_stationary_point(H, tol=1e-6) == kind
    swapped = {"minimum": "maximum", "maximum": "minimum", "saddle": "saddle"}
    assert classify_stationary_point(-H, tol=1e-6) == swapped[kind]


# --- bad input ----------------------------------------------------------------------------------

def test_bad_input():
    with pytest.raises(ValueError, match=r"`H` must be a square matrix, got shape \(2, 3\)"):
        classify_stationary_point(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="`H` must have 2 dimension"):
        classify_stationary_point([1.0, 2.0])
    with pytest.raises(ValueError, match="`H` must be symmetric"):
        classify_stationary_point([[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="`H` must be finite"):
        classify_stationary_point([[1.0, np.nan], [np.nan, 1.0]])
    with pytest.raises(TypeError, match="`H` must be real numbers"):
        classify_stationary_point([["a", 0], [0, 1]])
    with pytest.raises(ValueError, match="`tol` must be positive"):
        classify_stationary_point(np.eye(2), tol=0.0)
