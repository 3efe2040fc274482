"""Tests of mmlcalc.symbolic."""

import numpy as np
import pytest
import sympy as sp

import mmlcalc as mml
from mmlcalc.symbolic import to_numpy

x, y = sp.symbols("x y")


def test_to_numpy_one_variable_vectorised_and_constant():
    f = to_numpy(sp.sin(x) * x, x)
    grid = np.linspace(0, 3, 7)
    np.testing.assert_allclose(f(grid), np.sin(grid) * grid, rtol=1e-15)
    np.testing.assert_array_equal(to_numpy(sp.Integer(3), x)(grid), np.full(7, 3.0))


def test_to_numpy_last_axis_holds_coordinates():
    f = to_numpy(x**2 * y, (x, y))
    np.testing.assert_allclose(f(np.array([[1.0, 2.0], [3.0, 1.0]])), [2.0, 9.0])
    F = to_numpy(sp.Matrix([x * y, 1]), (x, y))
    assert F(np.ones((4, 2))).shape == (4, 2)


def test_to_numpy_works_with_the_complex_step():
    f = to_numpy(sp.exp(x) + 5, x)
    assert mml.derivative(f, 1.0, method="complex") == pytest.approx(np.e, rel=1e-15)
    assert mml.derivative(to_numpy(sp.Integer(2), x), 1.0, method="complex") == 0.0


def test_to_numpy_bad_input():
    with pytest.raises(TypeError, match="`expr` must be a sympy expression"):
        to_numpy("x**2", x)
    with pytest.raises(TypeError, match="`variables` must be sympy symbols"):
        to_numpy(x**2, ["x"])
    with pytest.raises(ValueError, match="free symbols not in `variables`: y"):
        to_numpy(x * y, x)
