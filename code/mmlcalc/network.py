r"""A small dense neural network whose backward pass is the chain rule, written out.

A network with :math:`L` layers maps an input :math:`a^{(0)} = x` to an output :math:`a^{(L)}`
one layer at a time,

.. math::

    z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}, \qquad a^{(l)} = \sigma_l\bigl(z^{(l)}\bigr),
    \qquad l = 1, \dots, L,

and its cost on a batch of :math:`N` examples is the mean squared error
:math:`C = \frac1N \sum_k \lVert a^{(L)}_k - y_k \rVert^2`. The backward pass applies the
multivariate chain rule from the cost back to every weight and bias:

.. math::

    \delta^{(L)} = \frac{\partial C}{\partial a^{(L)}} \odot \sigma_L'\bigl(z^{(L)}\bigr),
    \qquad
    \delta^{(l-1)} = \bigl(W^{(l)\top} \delta^{(l)}\bigr) \odot \sigma_{l-1}'\bigl(z^{(l-1)}\bigr),

.. math::

    \frac{\partial C}{\partial W^{(l)}} = \delta^{(l)} a^{(l-1)\top}, \qquad
    \frac{\partial C}{\partial b^{(l)}} = \delta^{(l)}.

Points are arrays of shape ``(n,)``; a batch of :math:`N` points is an array of shape
``(N, n)``, one example a row, as everywhere in :mod:`mmlcalc`. For a batch the formulas above
hold row by row, and the gradients are summed over the rows.

Taught in chapter 3 of the book: a single neuron (3.3), layers in matrix form (3.4),
backpropagation (3.5) and checking gradients (3.6).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ._iteration import IterationResult
from ._validation import (
    as_real_array,
    as_rng,
    check_callable,
    check_choice,
    check_positive,
    check_positive_int,
)
from .numdiff import coordinate_steps, gradient

__all__ = ["ACTIVATIONS", "Activation", "ForwardPass", "GradientCheck", "Gradients", "Network",
           "TrainingResult", "backward", "cost", "forward", "gradient_check", "init_network",
           "sigmoid", "squared_error", "train", "train_step"]


# --- activation functions -----------------------------------------------------------------------

def sigmoid(z):
    r"""The logistic sigmoid, :math:`\sigma(z) = 1 / (1 + e^{-z})`.

    .. math:: \sigma(z) = \frac{1}{1 + e^{-z}} = \frac{e^{z}}{1 + e^{z}}, \qquad
              \sigma'(z) = \sigma(z)\bigl(1 - \sigma(z)\bigr)

    Parameters
    ----------
    z : float or array_like
        Weighted input(s), finite; complex input is allowed (for the complex-step check).

    Returns
    -------
    float or ndarray
        Values in :math:`(0, 1)`, shaped like `z`.

    Raises
    ------
    TypeError
        If `z` is not numbers (text, None, booleans).
    ValueError
        If `z` is empty, ragged or holds NaN, infinity or a number beyond the float range.

    See Also
    --------
    scipy.special.expit : the same function.

    Notes
    -----
    For real input the first form is used for :math:`z \ge 0` and the second for :math:`z < 0`,
    so the exponential never overflows (:math:`e^{-z}` alone would, with a warning, for
    :math:`z < -709`) and tiny values keep their relative precision. Complex input (moderate
    in size) uses the first form, which is analytic. Inside a network (training, gradient
    checks) the same formula runs without these input checks, so that a diverging run can
    report its non-finite cost instead of stopping here. Book: section 3.3, *A single neuron*.

    Examples
    --------
    >>> from mmlcalc import sigmoid
    >>> float(sigmoid(0.0))
    0.5
    >>> round(float(sigmoid(2.0) * (1 - sigmoid(2.0))), 6)  # sigma'(2)
    0.104994
    """
    return _sigmoid(_as_weighted_input(z))


def _as_weighted_input(z) -> np.ndarray:
    """`z` as a finite real or complex array, naming `z` in any error."""
    raw = np.asarray(z) if not isinstance(z, str | bytes) else None
    if raw is not None and raw.dtype.kind == "c":
        if raw.size == 0:
            raise ValueError(f"`z` must not be empty, got shape {raw.shape}")
        if not np.all(np.isfinite(raw)):
            raise ValueError("`z` must be finite, got a non-finite complex value")
        return raw
    return as_real_array(z, "z")


def _sigmoid(z):
    # the unchecked kernel: real input by the stable two-sided form, complex by the first form
    z = np.asarray(z)
    if np.iscomplexobj(z):
        return 1.0 / (1.0 + np.exp(-z))
    e = np.exp(-np.abs(z))                        # in (0, 1]: cannot overflow
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_prime(z):
    # sigma(z) (1 - sigma(z)), with 1 - sigma(z) = sigma(-z) computed without cancellation
    return _sigmoid(z) * _sigmoid(-np.asarray(z))


def _tanh_prime(z):
    return 1.0 - np.tanh(z) ** 2


def _identity(z):
    return np.asarray(z) * 1.0


def _identity_prime(z):
    return np.ones_like(np.asarray(z, dtype=float))


def _relu(z):
    return np.maximum(np.asarray(z), 0.0)


def _relu_prime(z):
    return (np.asarray(z) > 0).astype(float)


@dataclass(frozen=True)
class Activation:
    r"""An element-wise activation function :math:`\sigma` and its derivative :math:`\sigma'`.

    Attributes
    ----------
    name : str
        ``"sigmoid"``, ``"tanh"``, ``"identity"`` or ``"relu"``.
    f : callable
        :math:`\sigma`, applied element by element.
    prime : callable
        :math:`\sigma'`, applied element by element.
    smooth : bool
        Whether :math:`\sigma` is differentiable everywhere (ReLU has a kink at 0), and so
        whether the complex-step check applies.

    Notes
    -----
    Book: sections 3.3 and 3.4.
    """

    name: str
    f: Callable = field(repr=False)
    prime: Callable = field(repr=False)
    smooth: bool = True

    def __post_init__(self):
        check_callable(self.f, "f")
        check_callable(self.prime, "prime")

    def __call__(self, z):
        return self.f(z)


#: The activation functions a :class:`Network` layer may use, by name.
ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_prime),
    "tanh": Activation("tanh", np.tanh, _tanh_prime),
    "identity": Activation("identity", _identity, _identity_prime),
    "relu": Activation("relu", _relu, _relu_prime, smooth=False),
}


# --- the network --------------------------------------------------------------------------------

def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.array(array, dtype=float)  # a private copy ...
    array.setflags(write=False)           # ... that nobody can change
    return array


@dataclass(frozen=True, eq=False)
class Network:
    r"""A dense feed-forward network: weights, biases and one activation per layer.

    Layer :math:`l = 1, \dots, L` computes :math:`a^{(l)} = \sigma_l(W^{(l)} a^{(l-1)} + b^{(l)})`.
    The network is immutable: training returns a new one.

    Attributes
    ----------
    weights : tuple of ndarray
        :math:`W^{(1)}, \dots, W^{(L)}`; :math:`W^{(l)}` has shape :math:`(n_l, n_{l-1})`, so
        row :math:`i` holds the weights *into* neuron :math:`i` of layer :math:`l`.
    biases : tuple of ndarray
        :math:`b^{(1)}, \dots, b^{(L)}`; :math:`b^{(l)}` has shape :math:`(n_l,)`.
    activations : tuple of str
        The names of :math:`\sigma_1, \dots, \sigma_L` (keys of :data:`ACTIVATIONS`). One name
        is used for every layer.

    Raises
    ------
    TypeError, ValueError
        If the arrays are not finite real numbers, their shapes do not chain
        (:math:`W^{(l)}` must have as many columns as :math:`W^{(l-1)}` has rows), or an
        activation is unknown.

    See Also
    --------
    init_network : a network with random weights from a seeded generator.

    Notes
    -----
    Book: section 3.4, *Layers in matrix form* (and section 3.3 for a single neuron).

    Examples
    --------
    >>> from mmlcalc import Network
    >>> net = Network(weights=[[[2.0]]], biases=[[-1.0]], activations="identity")
    >>> net.sizes, net.n_parameters
    ((1, 1), 2)
    >>> float(net([3.0])[0])  # 2 * 3 - 1
    5.0
    """

    weights: tuple
    biases: tuple
    activations: tuple | str = "sigmoid"

    def __post_init__(self):
        if isinstance(self.weights, np.ndarray | str | bytes) or not isinstance(self.weights,
                                                                              Sequence) \
                or len(self.weights) == 0:
            raise TypeError("`weights` must be a non-empty sequence of 2-D arrays, one a layer")
        if isinstance(self.biases, np.ndarray | str | bytes) or not isinstance(self.biases,
                                                                             Sequence):
            raise TypeError("`biases` must be a sequence of 1-D arrays, one a layer")
        n_layers = len(self.weights)
        if len(self.biases) != n_layers:
            raise ValueError(f"`biases` must have one array a layer ({n_layers}), "
                             f"got {len(self.biases)}")
        weights = tuple(_frozen(as_real_array(W, f"weights[{k}]", ndim=2))
                        for k, W in enumerate(self.weights))
        biases = tuple(_frozen(as_real_array(b, f"biases[{k}]", ndim=1))
                       for k, b in enumerate(self.biases))
        for k, (W, b) in enumerate(zip(weights, biases, strict=True)):
            if b.shape[0] != W.shape[0]:
                raise ValueError(f"`biases[{k}]` must have {W.shape[0]} entries (the rows of "
                                 f"weights[{k}]), got {b.shape[0]}")
            if k > 0 and W.shape[1] != weights[k - 1].shape[0]:
                raise ValueError(f"`weights[{k}]` must have {weights[k - 1].shape[0]} columns "
                                 f"(the rows of weights[{k - 1}]), got shape {W.shape}")
        names = self.activations
        if not isinstance(names, str | Sequence):
            raise TypeError(f"`activations` must be a name or a sequence of names, got "
                            f"{type(names).__name__} {names!r}")
        names = (names,) * n_layers if isinstance(names, str) else tuple(names)
        if len(names) != n_layers:
            raise ValueError(f"`activations` must name one function a layer ({n_layers}), "
                             f"got {len(names)}")
        for name in names:
            check_choice(name, "activations", ACTIVATIONS)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "biases", biases)
        object.__setattr__(self, "activations", names)

    @property
    def sizes(self) -> tuple[int, ...]:
        r"""The layer sizes :math:`(n_0, n_1, \dots, n_L)`, input first."""
        return (self.weights[0].shape[1],) + tuple(W.shape[0] for W in self.weights)

    @property
    def n_layers(self) -> int:
        r"""The number :math:`L` of layers with weights (the input layer is not counted)."""
        return len(self.weights)

    @property
    def n_parameters(self) -> int:
        """The number of weights and biases."""
        return sum(W.size + b.size for W, b in zip(self.weights, self.biases, strict=True))

    def parameters(self) -> np.ndarray:
        r"""All weights and biases in one flat vector :math:`\theta`.

        The order is :math:`W^{(1)}` (row by row), :math:`b^{(1)}`, :math:`W^{(2)}`,
        :math:`b^{(2)}`, ...; :meth:`with_parameters` reads the same order back.
        """
        return np.concatenate([np.concatenate([W.ravel(), b])
                               for W, b in zip(self.weights, self.biases, strict=True)])

    def with_parameters(self, theta) -> Network:
        r"""A network of the same shape whose weights and biases are read from `theta`.

        Raises
        ------
        ValueError
            If `theta` does not have :attr:`n_parameters` finite entries.
        """
        theta = as_real_array(theta, "theta", ndim=1)
        if theta.size != self.n_parameters:
            raise ValueError(f"`theta` must have {self.n_parameters} entries, got {theta.size}")
        weights, biases = _unflatten(theta, self.sizes)
        return Network(weights, biases, self.activations)

    def __call__(self, x):
        """The network's output :math:`a^{(L)}` for input `x` (see :func:`forward`)."""
        return forward(self, x).output


def _unflatten(theta, sizes):
    """Split a flat parameter vector into weight matrices and bias vectors (no checks)."""
    weights, biases, start = [], [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        weights.append(theta[start:start + n_out * n_in].reshape(n_out, n_in))
        start += n_out * n_in
        biases.append(theta[start:start + n_out])
        start += n_out
    return weights, biases


def init_network(sizes, *, activations="sigmoid", rng=0) -> Network:
    r"""A network with the given layer sizes and seeded random weights and biases.

    .. math::

        W^{(l)}_{ij} \sim \mathcal{N}\!\left(0, \tfrac{1}{n_{l-1}}\right), \qquad
        b^{(l)}_i \sim \mathcal{N}(0, 1)

    Parameters
    ----------
    sizes : sequence of int
        :math:`(n_0, n_1, \dots, n_L)`: inputs, then the width of each layer, at least two
        numbers, each at least 1.
    activations : str or sequence of str
        One name of :data:`ACTIVATIONS` for every layer, or one name per layer (:math:`L`
        names). Keyword-only.
    rng : numpy.random.Generator or int
        The random generator, or a seed for ``numpy.random.default_rng`` (default 0): the same
        seed gives the same network. Keyword-only.

    Returns
    -------
    Network

    Raises
    ------
    TypeError, ValueError
        If `sizes` are not integers >= 1 (at least two of them) or an activation is unknown.

    See Also
    --------
    Network : to build a network from given weights.

    Notes
    -----
    The variance :math:`1/n_{l-1}` keeps every :math:`z^{(l)}` of order one when the inputs
    are (LeCun initialisation, see Goodfellow et al. 2016, section 8.4), so that sigmoid and
    tanh neurons start in their sensitive middle range. Book: section 3.4.

    Examples
    --------
    >>> from mmlcalc import init_network
    >>> net = init_network([2, 3, 1], activations=["tanh", "identity"], rng=1)
    >>> net.sizes, net.activations, net.n_parameters
    ((2, 3, 1), ('tanh', 'identity'), 13)
    """
    if isinstance(sizes, str | bytes) or not isinstance(sizes, Sequence | np.ndarray):
        raise TypeError(f"`sizes` must be a sequence of integers, got {sizes!r}")
    sizes = [check_positive_int(n, "sizes") for n in list(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"`sizes` must hold the input size and at least one layer, got {sizes}")
    rng = as_rng(rng, "rng")
    weights = [rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_out, n_in))
               for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)]
    biases = [rng.normal(0.0, 1.0, size=n_out) for n_out in sizes[1:]]
    return Network(weights, biases, activations)


# --- forward pass and cost ----------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class ForwardPass:
    r"""Everything the forward pass computed, kept for the backward pass.

    Attributes
    ----------
    z : tuple of ndarray
        The weighted inputs :math:`z^{(1)}, \dots, z^{(L)}` (``z[l - 1]`` is :math:`z^{(l)}`).
    a : tuple of ndarray
        The activations :math:`a^{(0)} = x, a^{(1)}, \dots, a^{(L)}` (``a[l]`` is
        :math:`a^{(l)}`).

    Notes
    -----
    Book: sections 3.4 and 3.5.
    """

    z: tuple
    a: tuple

    @property
    def output(self) -> np.ndarray:
        r"""The network's output :math:`a^{(L)}`."""
        return self.a[-1]


def _check_inputs(net: Network, x) -> np.ndarray:
    if not isinstance(net, Network):
        raise TypeError(f"`net` must be a Network, got {type(net).__name__}")
    x = as_real_array(x, "x")
    n_in = net.sizes[0]
    if x.ndim not in (1, 2) or x.shape[-1] != n_in:
        raise ValueError(f"`x` must have shape ({n_in},) or (N, {n_in}) for a network with "
                         f"{n_in} input(s), got shape {x.shape}")
    return x


def _check_targets(y, output: np.ndarray) -> np.ndarray:
    y = as_real_array(y, "y")
    if y.shape != output.shape:
        raise ValueError(f"`y` must have the shape of the network's output {output.shape}, "
                         f"got {y.shape}")
    return y


def _forward(weights, biases, activations, x) -> ForwardPass:
    """The forward pass without checks (it also runs on complex parameters)."""
    zs, activities = [], [x]
    for W, b, name in zip(weights, biases, activations, strict=True):
        z = activities[-1] @ W.T + b        # z = W a_prev + b, one row per example
        zs.append(z)
        activities.append(ACTIVATIONS[name](z))
    return ForwardPass(tuple(zs), tuple(activities))


def forward(net: Network, x) -> ForwardPass:
    r"""Run the network on `x`, keeping every weighted input and activation.

    .. math::

        a^{(0)} = x, \qquad z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}, \qquad
        a^{(l)} = \sigma_l\bigl(z^{(l)}\bigr), \quad l = 1, \dots, L

    Parameters
    ----------
    net : Network
        The network.
    x : array_like, shape (n_0,) or (N, n_0)
        One input, or a batch of :math:`N` inputs, one a row.

    Returns
    -------
    ForwardPass
        ``z`` and ``a`` of every layer; ``.output`` is :math:`a^{(L)}`, of shape ``(n_L,)`` or
        ``(N, n_L)``.

    Raises
    ------
    TypeError, ValueError
        If `net` is not a :class:`Network` or `x` has the wrong shape or non-finite entries.

    See Also
    --------
    backward : the gradients of the cost, from this pass.

    Notes
    -----
    For a batch, the rows of ``x`` are examples, so the code computes
    :math:`Z = A W^\top + b`, whose row :math:`k` is :math:`W a_k + b`. Book: section 3.4,
    *Layers in matrix form*.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlcalc import Network, forward
    >>> net = Network([[[1.0, -1.0]], [[2.0]]], [[0.0], [1.0]], ["relu", "identity"])
    >>> passes = forward(net, [3.0, 1.0])
    >>> passes.z, passes.output   # z1 = 3 - 1 = 2, a1 = 2, z2 = 2 * 2 + 1 = 5
    ((array([2.]), array([5.])), array([5.]))
    """
    x = _check_inputs(net, x)
    return _forward(net.weights, net.biases, net.activations, x)


def squared_error(a, y) -> float:
    r"""The squared-error cost of outputs `a` against targets `y`, averaged over examples.

    .. math::

        C = \frac{1}{N} \sum_{k=1}^{N} \lVert a_k - y_k \rVert^2, \qquad
        \frac{\partial C}{\partial a_k} = \frac{2}{N}\,(a_k - y_k)

    Parameters
    ----------
    a : array_like, shape (n,) or (N, n)
        Outputs: one example (:math:`N = 1`) or one a row.
    y : array_like
        Targets, the same shape as `a`.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the shapes differ or a value is not finite.

    See Also
    --------
    sklearn.metrics.mean_squared_error : the same, divided also by the number of outputs.

    Notes
    -----
    For a single output and example it is :math:`(a - y)^2`, the cost of section 3.3. Book:
    section 3.3, *A single neuron*.

    Examples
    --------
    >>> from mmlcalc import squared_error
    >>> squared_error([0.5], [1.0])
    0.25
    >>> squared_error([[1.0, 2.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 1.0]])  # (1 + 4 + 1) / 2
    3.0
    """
    a = as_real_array(a, "a")
    y = _check_targets(y, a)
    n_examples = 1 if a.ndim <= 1 else a.shape[0]
    return float(np.sum((a - y) ** 2) / n_examples)


def cost(net: Network, x, y) -> float:
    r"""The squared-error cost of the network on inputs `x` with targets `y`.

    .. math:: C = \frac{1}{N} \sum_{k=1}^{N} \lVert a^{(L)}(x_k) - y_k \rVert^2

    Parameters
    ----------
    net : Network
    x : array_like, shape (n_0,) or (N, n_0)
        Inputs.
    y : array_like, shape (n_L,) or (N, n_L)
        Targets, shaped like the output.

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        As :func:`forward` and :func:`squared_error`.

    See Also
    --------
    squared_error : the same cost, from outputs instead of a network.

    Notes
    -----
    Book: section 3.3 (one neuron) and section 3.5 (a network on a data set).

    Examples
    --------
    >>> from mmlcalc import Network, cost
    >>> net = Network([[[2.0]]], [[0.0]], "identity")
    >>> cost(net, [[1.0], [2.0]], [[1.0], [4.0]])  # ((2 - 1)^2 + (4 - 4)^2) / 2
    0.5
    """
    return squared_error(forward(net, x).output, y)


# --- backward pass ------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Gradients:
    r"""The gradient of the cost with respect to every weight and bias.

    Attributes
    ----------
    weights : tuple of ndarray
        :math:`\partial C / \partial W^{(l)}`, each shaped like :math:`W^{(l)}`.
    biases : tuple of ndarray
        :math:`\partial C / \partial b^{(l)}`, each shaped like :math:`b^{(l)}`.

    Notes
    -----
    Book: section 3.5.
    """

    weights: tuple
    biases: tuple

    def flat(self) -> np.ndarray:
        """All partial derivatives in the order of :meth:`Network.parameters`."""
        return np.concatenate([np.concatenate([dW.ravel(), db])
                               for dW, db in zip(self.weights, self.biases, strict=True)])


def backward(net: Network, passes: ForwardPass, y) -> Gradients:
    r"""Backpropagation: the gradient of the squared-error cost by the chain rule.

    Starting from the output layer and walking back, with :math:`\odot` the element-wise
    product,

    .. math::

        \delta^{(L)} = \frac{2}{N}\bigl(a^{(L)} - y\bigr) \odot \sigma_L'\bigl(z^{(L)}\bigr),
        \qquad
        \delta^{(l-1)} = \bigl(W^{(l)\top}\delta^{(l)}\bigr) \odot
                         \sigma_{l-1}'\bigl(z^{(l-1)}\bigr),

    .. math::

        \frac{\partial C}{\partial W^{(l)}} = \delta^{(l)} a^{(l-1)\top}, \qquad
        \frac{\partial C}{\partial b^{(l)}} = \delta^{(l)},

    where :math:`\delta^{(l)} = \partial C / \partial z^{(l)}`. For a batch, each row is one
    example and the gradients are summed over the rows.

    Parameters
    ----------
    net : Network
        The network that made `passes`.
    passes : ForwardPass
        The result of ``forward(net, x)``.
    y : array_like, shape (n_L,) or (N, n_L)
        Targets, shaped like ``passes.output``.

    Returns
    -------
    Gradients

    Raises
    ------
    TypeError, ValueError
        If `passes` is not a :class:`ForwardPass` of `net`, or `y` has the wrong shape.

    See Also
    --------
    gradient_check : compares this with finite differences.
    torch.autograd.backward : the same, for any computation (reverse-mode differentiation).

    Notes
    -----
    Each line is one factor of the chain rule: :math:`\partial C/\partial a^{(L)}`, the
    diagonal Jacobian :math:`\sigma'(z)` of an element-wise activation (a product with it is an
    element-wise product), and the Jacobian :math:`W^{(l)}` of
    :math:`z^{(l)}` with respect to :math:`a^{(l-1)}`. One backward pass multiplies by each
    weight matrix twice (the first layer's once), where the forward pass does so once: it
    costs between one and two forward passes, whatever the number of parameters. Book: section 3.5,
    *Backpropagation*.

    Examples
    --------
    A single identity neuron :math:`a = wx + b` with :math:`C = (a - y)^2`:
    :math:`\partial C/\partial w = 2(a - y)x` and :math:`\partial C/\partial b = 2(a - y)`.

    >>> from mmlcalc import Network, backward, forward
    >>> net = Network([[[2.0]]], [[1.0]], "identity")
    >>> grads = backward(net, forward(net, [3.0]), [4.0])   # a = 7, a - y = 3
    >>> grads.weights[0], grads.biases[0]
    (array([[18.]]), array([6.]))
    """
    if not isinstance(net, Network):
        raise TypeError(f"`net` must be a Network, got {type(net).__name__}")
    if not isinstance(passes, ForwardPass):
        raise TypeError(f"`passes` must be the ForwardPass of forward(net, x), "
                        f"got {type(passes).__name__}")
    if len(passes.z) != net.n_layers or passes.z[-1].shape[-1] != net.sizes[-1]:
        raise ValueError("`passes` must come from forward(net, x) with this `net`")
    y = _check_targets(y, passes.output)
    return _backward(net.weights, net.activations, passes, y)


def _backward(weights, activations, passes: ForwardPass, y) -> Gradients:
    """The backward pass without checks (it also runs on complex parameters)."""
    L = len(weights)
    # Index everything by layer number, as on the page (there is no W^(0) or z^(0)):
    W = (None, *weights)                 # W[layer] is W^(layer)
    z = (None, *passes.z)                # z[layer] is z^(layer)
    a = passes.a                         # a[layer] is a^(layer); a[0] is the input x
    sigma_prime = (None, *(ACTIVATIONS[name].prime for name in activations))
    n_examples = 1 if y.ndim == 1 else y.shape[0]

    grad_W, grad_b = [None] * (L + 1), [None] * (L + 1)
    # Output layer: delta^(L) = dC/da^(L) * sigma'(z^(L)), with dC/da^(L) = 2 (a^(L) - y) / N.
    delta = 2.0 * (a[L] - y) / n_examples * sigma_prime[L](z[L])
    for layer in range(L, 0, -1):
        # dC/dW^(l) = delta^(l) times a^(l-1) transposed (the shape of W^(l)), and
        # dC/db^(l) = delta^(l), summed over the examples
        grad_W[layer] = np.atleast_2d(delta).T @ np.atleast_2d(a[layer - 1])
        grad_b[layer] = delta if delta.ndim == 1 else delta.sum(axis=0)
        if layer > 1:
            # delta^(l-1) = (W^(l) transposed times delta^(l)) * sigma'(z^(l-1)); with one row
            # an example, that is delta @ W
            delta = (delta @ W[layer]) * sigma_prime[layer - 1](z[layer - 1])
    return Gradients(tuple(grad_W[1:]), tuple(grad_b[1:]))


# --- training -----------------------------------------------------------------------------------

def train_step(net: Network, x, y, *, lr) -> Network:
    r"""One step of gradient descent on the cost: every parameter moves against its gradient.

    .. math::

        W^{(l)} \leftarrow W^{(l)} - \eta\,\frac{\partial C}{\partial W^{(l)}}, \qquad
        b^{(l)} \leftarrow b^{(l)} - \eta\,\frac{\partial C}{\partial b^{(l)}}

    Parameters
    ----------
    net : Network
    x, y : array_like
        Inputs and targets, as for :func:`cost`.
    lr : float
        The learning rate :math:`\eta > 0`. Keyword-only.

    Returns
    -------
    Network
        The updated network (`net` itself is unchanged).

    Raises
    ------
    TypeError, ValueError
        As :func:`forward` and :func:`backward`; also if `lr` is not positive and finite, or the
        step produces non-finite parameters.

    See Also
    --------
    train : many steps, with the cost history.

    Notes
    -----
    For a small enough :math:`\eta` the cost cannot rise: to first order it changes by
    :math:`-\eta \lVert\nabla C\rVert^2`. Book: section 3.5; chapter 5 studies the step size.

    Examples
    --------
    >>> from mmlcalc import Network, cost, train_step
    >>> net = Network([[[2.0]]], [[1.0]], "identity")
    >>> cost(net, [3.0], [4.0])     # a = 2 * 3 + 1 = 7, C = (7 - 4)^2
    9.0
    >>> new = train_step(net, [3.0], [4.0], lr=0.05)   # w = 2 - 0.05 * 18, b = 1 - 0.05 * 6
    >>> float(new.weights[0][0, 0]), float(new.biases[0][0]), round(cost(new, [3.0], [4.0]), 12)
    (1.1, 0.7, 0.0)
    """
    lr = check_positive(lr, "lr")
    x = _check_inputs(net, x)
    passes = forward(net, x)
    grads = backward(net, passes, y)
    weights = [W - lr * dW for W, dW in zip(net.weights, grads.weights, strict=True)]
    biases = [b - lr * db for b, db in zip(net.biases, grads.biases, strict=True)]
    for name, arrays in (("weights", weights), ("biases", biases)):
        if not all(np.all(np.isfinite(p)) for p in arrays):
            raise ValueError(f"the step with `lr`={lr!r} made the {name} non-finite")
    return Network(weights, biases, net.activations)


@dataclass(frozen=True, eq=False, kw_only=True)
class TrainingResult(IterationResult):
    r"""The outcome of :func:`train`: an :class:`~mmlcalc.IterationResult` with the network.

    Attributes
    ----------
    x, converged, reason, message, n_iter, history
        As for every iteration: `history` holds the flat parameters :math:`\theta` before each
        step and after the last (shape ``(n_iter + 1, P)``), `x` the last of them. Training runs
        a fixed number of steps, with no stopping test, so `reason` is ``"max_iter"`` when every
        step was taken and ``"diverged"`` when the cost or the parameters became non-finite
        (a learning rate too large); `converged` is always False.
    network : Network
        The network after the last completed step (its parameters are `x`).
    cost_history : ndarray, shape (n_iter + 1,)
        The cost at every entry of `history`.

    Notes
    -----
    Book: section 3.5.
    """

    network: Network
    cost_history: np.ndarray

    @property
    def diverged(self) -> bool:
        """True if training stopped because the cost or the parameters became non-finite."""
        return self.reason == "diverged"


def train(net: Network, x, y, *, lr, n_steps) -> TrainingResult:
    r"""Train by full-batch gradient descent for `n_steps` steps, recording the cost.

    .. math:: \theta_{k+1} = \theta_k - \eta\,\nabla C(\theta_k), \qquad k = 0, \dots,
              n_\text{steps} - 1

    Parameters
    ----------
    net : Network
        The starting network.
    x, y : array_like
        Inputs and targets, as for :func:`cost`.
    lr : float
        Learning rate :math:`\eta > 0`. Keyword-only.
    n_steps : int
        Number of steps, at least 1. Keyword-only.

    Returns
    -------
    TrainingResult
        The trained network, the parameters and the cost at every step, and whether training
        diverged (``reason``). It never raises because the cost blew up: the history shows it.

    Raises
    ------
    TypeError, ValueError
        If the arguments are invalid (as :func:`train_step`; `n_steps` must be an integer >= 1).

    See Also
    --------
    train_step : one step.
    scipy.optimize.minimize : general-purpose minimisers (use ``jac=`` with :func:`backward`).

    Notes
    -----
    Each step costs one forward and one backward pass over all the data. Book: section 3.5.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlcalc import init_network, train
    >>> x = np.linspace(-1, 1, 20)[:, None]
    >>> net = init_network([1, 1], activations="identity", rng=0)
    >>> result = train(net, x, 3 * x - 1, lr=0.2, n_steps=200)   # learn y = 3x - 1
    >>> bool(result.cost_history[-1] < 1e-10), result.cost_history.size, result.reason
    (True, 201, 'max_iter')
    >>> np.round(result.network.weights[0], 6), np.round(result.network.biases[0], 6)
    (array([[3.]]), array([-1.]))
    """
    lr = check_positive(lr, "lr")
    n_steps = check_positive_int(n_steps, "n_steps")
    x = _check_inputs(net, x)
    y = _check_targets(y, forward(net, x).output)
    weights, biases, names = list(net.weights), list(net.biases), net.activations
    passes = _forward(weights, biases, names, x)
    history = [float(_mean_squared(passes.output, y))]
    thetas = [net.parameters()]
    reason = "max_iter"
    message = f"took all n_steps = {n_steps} steps (training has no stopping test)"
    with np.errstate(over="ignore", invalid="ignore"):  # a too-large lr is reported, not warned
        for k in range(n_steps):
            grads = _backward(weights, names, passes, y)
            new_weights = [W - lr * dW for W, dW in zip(weights, grads.weights, strict=True)]
            new_biases = [b - lr * db for b, db in zip(biases, grads.biases, strict=True)]
            new_passes = _forward(new_weights, new_biases, names, x)
            new_cost = _mean_squared(new_passes.output, y)
            if not (np.isfinite(new_cost) and all(np.all(np.isfinite(p))
                                                  for p in new_weights + new_biases)):
                reason = "diverged"
                message = (f"diverged at step {k + 1}: the cost or the parameters became "
                           f"non-finite (lr = {lr:g} is too large)")
                break
            weights, biases, passes = new_weights, new_biases, new_passes
            history.append(float(new_cost))
            thetas.append(np.concatenate([np.concatenate([W.ravel(), b])
                                          for W, b in zip(weights, biases, strict=True)]))
    net = Network(weights, biases, names)
    return TrainingResult(x=thetas[-1], converged=False, n_iter=len(thetas) - 1,
                          history=np.array(thetas), reason=reason, message=message,
                          network=net, cost_history=np.array(history))


def _mean_squared(a, y):
    n_examples = 1 if y.ndim == 1 else y.shape[0]
    return np.sum((a - y) ** 2) / n_examples


# --- gradient check -----------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class GradientCheck:
    r"""A gradient compared with a numerical derivative, parameter by parameter.

    Attributes
    ----------
    analytic : ndarray
        The gradient checked (by default from :func:`backward`), flat (order of
        :meth:`Network.parameters`).
    numeric : ndarray
        The same by finite differences (or the complex step), from :func:`mmlcalc.gradient`.
    rel_error : ndarray
        :math:`r_i = |g_i - \hat g_i| / \max(|g_i|, |\hat g_i|, \tau)` for each parameter,
        with the floor :math:`\tau` below.
    max_rel_error : float
        The largest entry of `rel_error`.
    max_abs_error : float
        :math:`\max_i |g_i - \hat g_i|`.
    h : ndarray
        The step used for each parameter.
    method : str
        ``"central"``, ``"forward"`` or ``"complex"``.
    floor : float
        The floor :math:`\tau > 0` of the denominator of `rel_error`.

    Notes
    -----
    Book: section 3.6.
    """

    analytic: np.ndarray
    numeric: np.ndarray
    rel_error: np.ndarray
    max_rel_error: float
    max_abs_error: float
    h: np.ndarray
    method: str
    floor: float


_CHECK_METHODS = ("central", "forward", "complex")


def gradient_check(net: Network, x, y, *, grad=None, h=None,
                   method="central", floor=None) -> GradientCheck:
    r"""Check a gradient of the cost against numerical derivatives, parameter by parameter.

    .. math::

        \hat g_i = \frac{C(\theta + h_i e_i) - C(\theta - h_i e_i)}{2h_i}, \qquad
        r_i = \frac{|g_i - \hat g_i|}{\max(|g_i|, |\hat g_i|, \tau)}, \qquad
        \tau = \sqrt{\varepsilon}\,\max_j \max(|g_j|, |\hat g_j|)

    where :math:`g` is the gradient being checked (by default :math:`\nabla C(\theta)` from
    :func:`backward`), :math:`e_i` nudges one weight or bias and :math:`\varepsilon` is the
    machine epsilon. The floor :math:`\tau` keeps :math:`r_i` a continuous, defined number:
    a component far smaller than the largest one (below the resolution of the finite
    difference) is judged by its absolute error on the scale :math:`\tau`, not by a ratio of
    two round-off errors, and :math:`0/0` cannot occur. The floor only ever lowers
    :math:`r_i`; when every component is zero, :math:`\tau` is the smallest normal float.

    Parameters
    ----------
    net : Network
    x, y : array_like
        Inputs and targets, as for :func:`cost`.
    grad : callable or array_like, optional
        The gradient to check: a function called like :func:`backward`,
        ``grad(net, forward(net, x), y)``, returning :class:`Gradients` or a flat array; or
        the flat array itself, one entry per parameter. Default :func:`backward`.
        Keyword-only.
    h : float or array_like of shape (P,), optional
        Step, positive: one for every parameter or one per parameter. Default
        :func:`mmlcalc.numdiff.coordinate_steps`, each parameter's step scaled to that
        parameter (about :math:`6 \times 10^{-6}` for central differences and parameters
        below 1).
    method : {"central", "forward", "complex"}
        ``"forward"`` uses :math:`(C(\theta + h_ie_i) - C(\theta))/h_i`; ``"complex"`` uses
        :math:`\operatorname{Im} C(\theta + ih_ie_i)/h_i` and needs smooth activations (not
        ReLU). Keyword-only.
    floor : float, optional
        The floor :math:`\tau` of the denominator, positive; default
        :math:`\sqrt{\varepsilon}` times the largest component of either gradient.
        Keyword-only.

    Returns
    -------
    GradientCheck

    Raises
    ------
    TypeError, ValueError
        As :func:`cost`; also for a bad `h`, `method` or `floor`, ``method="complex"`` with
        ReLU, or a `grad` of the wrong size.

    See Also
    --------
    mmlcalc.gradient : the finite differences used here.
    scipy.optimize.check_grad : the same check, returning the norm of the difference.

    Notes
    -----
    Costs :math:`2P` cost evaluations for :math:`P` parameters (central), against one forward
    and one backward pass for :func:`backward`: fine for a check, far too slow for training.
    Central differences have error :math:`O(h^2)` plus round-off :math:`O(\varepsilon/h)`, so
    a correct backward pass agrees to about :math:`10^{-8}` relative; a wrong one typically
    misses by :math:`10^{-2}` or more. Book: section 3.6, *Checking gradients*.

    Examples
    --------
    >>> from mmlcalc import gradient_check, init_network
    >>> net = init_network([2, 3, 1], activations=["tanh", "identity"], rng=0)
    >>> check = gradient_check(net, [[0.5, -1.0], [1.0, 2.0]], [[1.0], [0.0]])
    >>> bool(check.max_rel_error < 1e-7)
    True
    >>> check = gradient_check(net, [[0.5, -1.0]], [[1.0]], method="complex")
    >>> bool(check.max_rel_error < 1e-14)
    True
    >>> zero = lambda net, passes, y: 0.0 * net.parameters()   # a wrong gradient
    >>> wrong = gradient_check(net, [[0.5, -1.0]], [[1.0]], grad=zero)
    >>> float(wrong.max_rel_error)
    1.0
    >>> both_zero = gradient_check(net, [[0.5, -1.0]], [[1.0]], grad=zero, floor=1.0)
    >>> bool(both_zero.floor == 1.0)
    True
    """
    check_choice(method, "method", _CHECK_METHODS)
    if floor is not None:
        floor = check_positive(floor, "floor")
    x = _check_inputs(net, x)
    passes = forward(net, x)
    y = _check_targets(y, passes.output)
    if method == "complex" and not all(ACTIVATIONS[n].smooth for n in net.activations):
        raise ValueError("`method`='complex' needs smooth activations, got "
                         f"{net.activations} (ReLU has a kink at 0)")
    theta = net.parameters()
    if grad is None:
        analytic = _backward(net.weights, net.activations, passes, y).flat()
    else:
        analytic = grad(net, passes, y) if callable(grad) else grad
        analytic = analytic.flat() if isinstance(analytic, Gradients) else analytic
        analytic = as_real_array(analytic, "grad")
        if analytic.shape != theta.shape:
            raise ValueError(f"`grad` must give one entry per parameter, shape {theta.shape}, "
                             f"got shape {analytic.shape}")

    def cost_at(params):
        weights, biases = _unflatten(params, net.sizes)
        return _mean_squared(_forward(weights, biases, net.activations, x).output, y)

    h = coordinate_steps(theta, h, method=method)
    numeric = gradient(cost_at, theta, h=h, method=method)
    difference = np.abs(analytic - numeric)
    scale = np.maximum(np.abs(analytic), np.abs(numeric))
    if floor is None:
        floor = max(float(np.sqrt(np.finfo(float).eps) * scale.max()), np.finfo(float).tiny)
    rel_error = difference / np.maximum(scale, floor)
    return GradientCheck(analytic, numeric, rel_error, float(rel_error.max()),
                         float(difference.max()), h, method, floor)
