r"""Computation graphs, and derivatives through them in forward and in reverse mode.

Write a function with :class:`Node` values instead of numbers and it records its own
computation graph: every node keeps its value, its parents and the *local* partial derivative
of itself with respect to each parent. The multivariate chain rule then says that a derivative
of the output is a sum, over paths, of products of local derivatives. The two modes only
differ in the order in which they multiply:

- **forward mode** pushes derivatives from one input towards the outputs (one sweep per input:
  a column of the Jacobian per sweep);
- **reverse mode** pulls derivatives from one output back to all inputs (one sweep per
  output: a row of the Jacobian per sweep). For a scalar loss of many parameters, one reverse
  sweep gives the whole gradient. Backpropagation is reverse mode.

Seeded with any vector instead of a unit one, a forward sweep computes a Jacobian-vector
product :math:`J\dot{\mathbf x}` and a reverse sweep a vector-Jacobian product
:math:`\bar{\mathbf y}^\top J`, each without forming :math:`J`; the book writes both sweeps
out on a graph of this module.

Both count their multiplications (one per edge per sweep), so the book can compare their work.
Taught in chapter 3, section 3.2 (*Computation graphs; forward and reverse mode*).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np

from ._validation import _show, check_real

__all__ = ["Derivatives", "Node", "cos", "exp", "forward_mode", "log", "reverse_mode", "sin",
           "sqrt", "tanh", "topological_order", "variables"]


class Node:
    r"""One value in a computation graph.

    Parameters
    ----------
    value : float
        The value computed at this node.
    parents : tuple of Node
        The nodes it was computed from (none for an input).
    local : tuple of float
        The local partial derivatives :math:`\partial\,\text{self} / \partial\,\text{parent}`,
        one per parent, evaluated at the parents' values.
    op : str
        What the node computes (``"input"``, ``"+"``, ``"*"``, ``"exp"``, ...).
    name : str, optional
        A name for printing and drawing; see :meth:`named`.

    Raises
    ------
    TypeError
        If `value` or an entry of `local` is not a real number, `parents` is not a sequence of
        nodes, or `op` or `name` is not a string.
    ValueError
        If `value` or an entry of `local` is not finite (NaN, infinity), or `local` does not
        hold one derivative per parent.

    Notes
    -----
    Arithmetic (``+ - * /``, ``**`` a number, unary ``-``) with nodes or real numbers makes new
    nodes; so do :func:`exp`, :func:`log`, :func:`sqrt`, :func:`sin`, :func:`cos` and
    :func:`tanh`. A number is folded into the node that uses it (``2 * x`` is one node with
    one parent, local derivative 2), so only nodes that depend on the inputs appear.
    Book: section 3.2, *Computation graphs; forward and reverse mode*.

    Examples
    --------
    >>> from mmlcalc.graph import variables
    >>> x, y = variables(x=2.0, y=3.0)
    >>> f = x * y + x
    >>> f.value, f.local   # f = p + x with p = x y: df/dp = 1, df/dx = 1
    (8.0, (1.0, 1.0))
    """

    __slots__ = ("value", "parents", "local", "op", "name")

    def __init__(self, value, parents=(), local=(), op="input", name=None):
        self.value = check_real(value, "value")
        if isinstance(parents, Node) or not isinstance(parents, Sequence) or not all(
                isinstance(p, Node) for p in parents):
            raise TypeError(f"`parents` must be a sequence of Nodes, got {_show(parents)}")
        if isinstance(local, str | bytes) or not isinstance(local, Sequence):
            raise TypeError(f"`local` must be a sequence of numbers, got {_show(local)}")
        if len(local) != len(parents):
            raise ValueError(f"`local` must hold one derivative per parent ({len(parents)}), got "
                             f"{len(local)}")
        self.parents = tuple(parents)
        self.local = tuple(check_real(d, "local") for d in local)
        if not isinstance(op, str):
            raise TypeError(f"`op` must be a string, got {type(op).__name__}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"`name` must be a string or None, got {type(name).__name__}")
        self.op = op
        self.name = name

    def named(self, name: str) -> Node:
        """Give the node a name (for printing and drawing) and return it."""
        if not isinstance(name, str):
            raise TypeError(f"`name` must be a string, got {type(name).__name__}")
        self.name = name
        return self

    @property
    def label(self) -> str:
        """The name if there is one, else the operation."""
        return self.name if self.name is not None else self.op

    def __repr__(self) -> str:
        return f"Node({self.label} = {self.value:.6g})"

    # -- arithmetic: each result records d(result)/d(parent) for every parent -----------------

    def __add__(self, other):
        if isinstance(other, Node):
            return Node(self.value + other.value, (self, other), (1.0, 1.0), "+")
        if _is_number(other):
            return Node(self.value + other, (self,), (1.0,), "+")
        return NotImplemented

    __radd__ = __add__

    def __neg__(self):
        return Node(-self.value, (self,), (-1.0,), "neg")

    def __sub__(self, other):
        if isinstance(other, Node):
            return Node(self.value - other.value, (self, other), (1.0, -1.0), "-")
        if _is_number(other):
            return Node(self.value - other, (self,), (1.0,), "-")
        return NotImplemented

    def __rsub__(self, other):
        if _is_number(other):
            return Node(other - self.value, (self,), (-1.0,), "-")
        return NotImplemented

    def __mul__(self, other):
        if isinstance(other, Node):  # d(uv)/du = v, d(uv)/dv = u
            return Node(self.value * other.value, (self, other), (other.value, self.value), "*")
        if _is_number(other):
            return Node(self.value * other, (self,), (other,), "*")
        return NotImplemented

    __rmul__ = __mul__

    def __truediv__(self, other):
        if isinstance(other, Node):  # d(u/v)/du = 1/v, d(u/v)/dv = -u/v^2
            _nonzero(other.value, "/")
            return Node(self.value / other.value, (self, other),
                        (1.0 / other.value, -self.value / other.value**2), "/")
        if _is_number(other):
            _nonzero(other, "/")
            return Node(self.value / other, (self,), (1.0 / other,), "/")
        return NotImplemented

    def __rtruediv__(self, other):
        if _is_number(other):
            _nonzero(self.value, "/")
            return Node(other / self.value, (self,), (-other / self.value**2,), "/")
        return NotImplemented

    def __pow__(self, p):
        if not _is_number(p):
            return NotImplemented  # only a node to a fixed power: d(u^p)/du = p u^(p-1)
        if self.value == 0 and p < 1:
            raise ValueError(f"`**` of 0 to the power {p} has no derivative")
        if self.value < 0 and p != int(p):
            raise ValueError(f"`**` of a negative value {self.value} to a non-integer power {p}")
        return Node(self.value**p, (self,), (p * self.value ** (p - 1),), f"^{p:g}")


def _is_number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _nonzero(value, op):
    if value == 0:
        raise ValueError(f"`{op}` by zero in the computation graph")


def _node(x, name: str) -> Node:
    if not isinstance(x, Node):
        raise TypeError(f"`x` must be a Node for `{name}` (see mmlcalc.graph.variables), "
                        f"got {type(x).__name__}")
    return x


#: The largest argument of :func:`exp` whose value is a finite float.
_EXP_MAX = math.log(np.finfo(float).max)


def exp(x: Node) -> Node:
    r"""The node :math:`e^x`, with local derivative :math:`e^x`.

    Raises
    ------
    TypeError
        If `x` is not a Node.
    ValueError
        If :math:`e^x` overflows the float range (:math:`x > 709.78`).

    Examples
    --------
    >>> from mmlcalc.graph import variables, exp
    >>> (x,) = variables(x=0.5)
    >>> y = exp(x)
    >>> round(y.value, 4), round(y.local[0], 4)
    (1.6487, 1.6487)

    Book: section 3.2.
    """
    x = _node(x, "exp")
    if x.value > _EXP_MAX:
        raise ValueError(f"`x` must be at most {_EXP_MAX:.4g} for `exp` (beyond, e^x overflows "
                         f"the float range), got {x.value:g}")
    value = math.exp(x.value)
    return Node(value, (x,), (value,), "exp")


def log(x: Node) -> Node:
    r"""The node :math:`\ln x`, with local derivative :math:`1/x` (needs :math:`x > 0`).

    Examples
    --------
    >>> from mmlcalc.graph import variables, log
    >>> (x,) = variables(x=0.5)
    >>> y = log(x)
    >>> round(y.value, 4), y.local[0]
    (-0.6931, 2.0)

    Book: section 3.2.
    """
    x = _node(x, "log")
    if x.value <= 0:
        raise ValueError(f"`x` must be positive for `log`, got {x.value}")
    return Node(math.log(x.value), (x,), (1.0 / x.value,), "log")


def sqrt(x: Node) -> Node:
    r"""The node :math:`\sqrt{x}`, with local derivative :math:`1 / (2\sqrt{x})` (:math:`x > 0`).

    Examples
    --------
    >>> from mmlcalc.graph import variables, sqrt
    >>> (x,) = variables(x=0.5)
    >>> y = sqrt(x)
    >>> round(y.value, 4), round(y.local[0], 4)
    (0.7071, 0.7071)

    Book: section 3.2.
    """
    x = _node(x, "sqrt")
    if x.value <= 0:
        raise ValueError(f"`x` must be positive for `sqrt` to be differentiable, got {x.value}")
    value = math.sqrt(x.value)
    return Node(value, (x,), (0.5 / value,), "sqrt")


def sin(x: Node) -> Node:
    r"""The node :math:`\sin x`, with local derivative :math:`\cos x`.

    Examples
    --------
    >>> from mmlcalc.graph import variables, sin
    >>> (x,) = variables(x=0.5)
    >>> y = sin(x)
    >>> round(y.value, 4), round(y.local[0], 4)
    (0.4794, 0.8776)

    Book: section 3.2.
    """
    x = _node(x, "sin")
    return Node(math.sin(x.value), (x,), (math.cos(x.value),), "sin")


def cos(x: Node) -> Node:
    r"""The node :math:`\cos x`, with local derivative :math:`-\sin x`.

    Examples
    --------
    >>> from mmlcalc.graph import variables, cos
    >>> (x,) = variables(x=0.5)
    >>> y = cos(x)
    >>> round(y.value, 4), round(y.local[0], 4)
    (0.8776, -0.4794)

    Book: section 3.2.
    """
    x = _node(x, "cos")
    return Node(math.cos(x.value), (x,), (-math.sin(x.value),), "cos")


def tanh(x: Node) -> Node:
    r"""The node :math:`\tanh x`, with local derivative :math:`1 - \tanh^2 x`.

    Examples
    --------
    >>> from mmlcalc.graph import variables, tanh
    >>> (x,) = variables(x=0.5)
    >>> y = tanh(x)
    >>> round(y.value, 4), round(y.local[0], 4)
    (0.4621, 0.7864)

    Book: section 3.2.
    """
    x = _node(x, "tanh")
    value = math.tanh(x.value)
    return Node(value, (x,), (1.0 - value**2,), "tanh")


def variables(**values) -> tuple[Node, ...]:
    r"""Input nodes with the given names and values, in the order given.

    Parameters
    ----------
    **values : float
        ``name=value`` for each input.

    Returns
    -------
    tuple of Node

    Raises
    ------
    TypeError, ValueError
        If no values are given or a value is not a finite real number.

    Notes
    -----
    Book: section 3.2.

    Examples
    --------
    >>> from mmlcalc.graph import variables
    >>> w, x = variables(w=-1.0, x=0.5)
    >>> w, x
    (Node(w = -1), Node(x = 0.5))
    """
    if not values:
        raise ValueError("`variables` needs at least one name=value")
    nodes = []
    for name, value in values.items():
        nodes.append(Node(check_real(value, name), name=name))
    return tuple(nodes)


def _outputs(outputs) -> tuple[Node, ...]:
    if isinstance(outputs, Node):
        return (outputs,)
    if isinstance(outputs, Sequence) and outputs and all(isinstance(o, Node) for o in outputs):
        return tuple(outputs)
    raise TypeError(f"`outputs` must be a Node or a non-empty sequence of Nodes, got {outputs!r}")


def topological_order(outputs) -> list[Node]:
    """Every node that `outputs` depend on, each after all of its parents.

    Parameters
    ----------
    outputs : Node or sequence of Node

    Returns
    -------
    list of Node
        Inputs come first, `outputs` last (in the order of a depth-first search).

    Notes
    -----
    Forward mode visits the nodes in this order, reverse mode in the opposite one. Book:
    section 3.2.

    Examples
    --------
    >>> from mmlcalc.graph import topological_order, variables
    >>> x, = variables(x=3.0)
    >>> [node.label for node in topological_order((x * x).named("f"))]
    ['x', 'f']
    """
    order, seen = [], set()
    for output in _outputs(outputs):
        stack = [(output, False)]
        while stack:                     # depth-first, without recursion (graphs may be deep)
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((parent, False) for parent in reversed(node.parents)
                         if id(parent) not in seen)
    return order


@dataclass(frozen=True, eq=False)
class Derivatives:
    r"""Derivatives of the outputs of a graph with respect to chosen inputs, and their cost.

    Attributes
    ----------
    jacobian : ndarray, shape (m, n)
        :math:`\partial\,\text{output}_i / \partial\,\text{input}_j`.
    mode : str
        ``"forward"`` or ``"reverse"``.
    sweeps : int
        Passes over the graph: :math:`n` in forward mode, :math:`m` in reverse mode.
    multiplications : int
        Products of a local derivative with a propagated one: the number of edges times the
        number of sweeps.

    Notes
    -----
    Book: section 3.2.
    """

    jacobian: np.ndarray
    mode: str
    sweeps: int
    multiplications: int

    @property
    def gradient(self) -> np.ndarray:
        """The one row of the Jacobian of a single output, shape (n,)."""
        if self.jacobian.shape[0] != 1:
            raise ValueError(f"`gradient` needs a single output, got {self.jacobian.shape[0]}")
        return self.jacobian[0]


def _inputs(wrt) -> tuple[Node, ...]:
    if isinstance(wrt, Node):
        wrt = (wrt,)
    if not isinstance(wrt, Sequence) or not wrt or not all(isinstance(v, Node) for v in wrt):
        raise TypeError(f"`wrt` must be a Node or a non-empty sequence of Nodes, got {wrt!r}")
    for v in wrt:
        if v.parents:
            raise ValueError(f"`wrt` must hold input nodes (made by `variables`), got {v!r}")
    return tuple(wrt)


def forward_mode(outputs, wrt) -> Derivatives:
    r"""Derivatives by forward mode: one sweep from each input towards the outputs.

    Seed the input :math:`x_j` with tangent :math:`\dot x_j = 1` (all other inputs 0) and, in
    topological order, give every node :math:`v` the tangent

    .. math:: \dot v = \sum_{p \in \text{parents}(v)} \frac{\partial v}{\partial p}\,\dot p .

    The tangents of the outputs are then column :math:`j` of the Jacobian.

    Parameters
    ----------
    outputs : Node or sequence of Node
        The :math:`m` outputs.
    wrt : Node or sequence of Node
        The :math:`n` inputs to differentiate with respect to.

    Returns
    -------
    Derivatives
        The :math:`m \times n` Jacobian, after :math:`n` sweeps.

    Raises
    ------
    TypeError, ValueError
        If `outputs` or `wrt` are not nodes, or `wrt` holds a node that is not an input.

    See Also
    --------
    reverse_mode : one sweep per output instead of per input.
    jax.jvp : forward mode (a Jacobian-vector product) in JAX.

    Notes
    -----
    Work: one multiplication per edge per sweep, so :math:`n E` for a graph with :math:`E`
    edges. Book: section 3.2.

    Examples
    --------
    >>> from mmlcalc.graph import forward_mode, variables
    >>> x, y = variables(x=2.0, y=3.0)
    >>> d = forward_mode(x * y + x, [x, y])   # gradient (y + 1, x)
    >>> d.gradient, d.sweeps, d.multiplications
    (array([4., 2.]), 2, 8)
    """
    outputs, wrt = _outputs(outputs), _inputs(wrt)
    order = topological_order(outputs)
    jacobian = np.zeros((len(outputs), len(wrt)))
    multiplications = 0
    for j, seed in enumerate(wrt):
        tangent = {id(seed): 1.0}                         # d seed / d x_j = 1
        for node in order:
            if not node.parents:
                tangent.setdefault(id(node), 0.0)         # other inputs do not move
                continue
            total = 0.0
            for parent, local in zip(node.parents, node.local, strict=True):
                # chain rule: d node/d x_j += d node/d parent * d parent/d x_j
                total += local * tangent[id(parent)]
                multiplications += 1
            tangent[id(node)] = total
        jacobian[:, j] = [tangent.get(id(o), 0.0) for o in outputs]
    return Derivatives(jacobian, "forward", len(wrt), multiplications)


def reverse_mode(outputs, wrt) -> Derivatives:
    r"""Derivatives by reverse mode: one sweep from each output back to every input.

    Seed the output :math:`f_i` with adjoint :math:`\bar f_i = 1` and, in reverse topological
    order, pass every node's adjoint on to its parents:

    .. math:: \bar p \mathrel{+}= \frac{\partial v}{\partial p}\,\bar v
              \quad \text{for each parent } p \text{ of } v .

    The adjoints of the inputs are then row :math:`i` of the Jacobian. This is
    backpropagation.

    Parameters
    ----------
    outputs : Node or sequence of Node
        The :math:`m` outputs.
    wrt : Node or sequence of Node
        The :math:`n` inputs to differentiate with respect to.

    Returns
    -------
    Derivatives
        The :math:`m \times n` Jacobian, after :math:`m` sweeps.

    Raises
    ------
    TypeError, ValueError
        As :func:`forward_mode`.

    See Also
    --------
    forward_mode : one sweep per input.
    jax.grad, torch.autograd.grad : reverse mode in JAX and PyTorch.

    Notes
    -----
    Work: one multiplication per edge per sweep, so :math:`m E`: for one scalar output the whole
    gradient costs one sweep, however many inputs there are. The price is memory: the forward
    values of every node must be kept for the backward sweep. Book: section 3.2.

    Examples
    --------
    >>> from mmlcalc.graph import reverse_mode, variables
    >>> x, y = variables(x=2.0, y=3.0)
    >>> d = reverse_mode(x * y + x, [x, y])
    >>> d.gradient, d.sweeps, d.multiplications
    (array([4., 2.]), 1, 4)
    """
    outputs, wrt = _outputs(outputs), _inputs(wrt)
    order = topological_order(outputs)
    jacobian = np.zeros((len(outputs), len(wrt)))
    multiplications = 0
    for i, output in enumerate(outputs):
        adjoint = {id(node): 0.0 for node in order}
        adjoint[id(output)] = 1.0                         # d f_i / d f_i = 1
        for node in reversed(order):
            for parent, local in zip(node.parents, node.local, strict=True):
                # chain rule: d f_i/d parent += d f_i/d node * d node/d parent
                adjoint[id(parent)] += local * adjoint[id(node)]
                multiplications += 1
        jacobian[i] = [adjoint.get(id(v), 0.0) for v in wrt]
    return Derivatives(jacobian, "reverse", len(outputs), multiplications)
