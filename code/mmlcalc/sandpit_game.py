r"""The sandpit as a game in a web page: landscapes as data, and the HTML that plays them.

The book's site is static, so the game runs in the reader's browser with no Python behind it.
Python does the part that must be right, at build time: it makes the seeded landscapes
(:func:`mmlcalc.make_sandpit`), finds and checks their deepest points, and writes them into
the page as JSON together with sample points at which it evaluated the height, the gradient
and the Hessian. The script that ships with the package (``mmlcalc/_static/sandpit.js``)
evaluates the same formula

.. math::

    f(\mathbf{x}) = f_0 + \tfrac12 (\mathbf{x} - \mathbf{c})^\top A\,
    (\mathbf{x} - \mathbf{c})
    - \sum_k d_k \exp\!\Bigl(-\frac{\lVert \mathbf{x} - \mathbf{m}_k \rVert^2}{2 w_k^2}\Bigr)

from the parameters, checks itself against the samples when the page loads, and plays.

Taught in section 2.6, *The sandpit* (and its hard level in section 5.4).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from numbers import Integral, Real

import numpy as np

from ._iteration import newton_step
from ._validation import check_choice, check_positive
from .sandpit import LEVELS, Landscape, make_sandpit

__all__ = ["GAME_FORMAT", "auto_step", "game_data", "game_html"]

#: The ``format`` tag of :func:`game_data`'s output, which the page's script checks.
GAME_FORMAT = "mmlcalc.sandpit_game"

_VERSION = 1
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


def _check_seeds(seeds) -> list[int]:
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Iterable):
        raise TypeError(f"`seeds` must be an iterable of integers, got {type(seeds).__name__}")
    seeds = list(seeds)
    if not seeds:
        raise ValueError("`seeds` must hold at least one seed, got none")
    for seed in seeds:
        if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
            raise ValueError(f"`seeds` must be non-negative integers, got {seed!r}")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"`seeds` must not repeat, got {seeds}")
    return [int(s) for s in seeds]


def _check_rates(rates, rate) -> tuple[list[float], float]:
    if isinstance(rates, (str, bytes)) or not isinstance(rates, Iterable):
        raise TypeError(f"`rates` must be an iterable of numbers, got {type(rates).__name__}")
    rates = [check_positive(r, "rates") for r in rates]
    if not rates:
        raise ValueError("`rates` must hold at least one learning rate, got none")
    rate = check_positive(rate, "rate")
    if rate not in rates:
        raise ValueError(f"`rate` must be one of `rates` {rates}, got {rate}")
    return rates, rate


def game_data(seeds, *, level: str = "easy", goal: float = 0.2, rates=(0.1, 0.3, 1.0),
              rate: float = 0.3, n_samples: int = 4) -> dict:
    r"""The landscapes of a sandpit game, with their answers and check values, as plain data.

    Parameters
    ----------
    seeds : iterable of int
        One landscape per seed, ``make_sandpit(seed, level=level)``, in this order ("new pit"
        cycles through them). Non-negative, no repeats.
    level : {"easy", "hard"}
        The kind of landscape (see :func:`mmlcalc.make_sandpit`). Keyword-only.
    goal : float
        The reader wins with a probe closer than this to the deepest point. It must be
        smaller than the distance from the deepest point to every other local minimum, so a
        win means the deepest pit was found. Keyword-only.
    rates : iterable of float
        The learning rates :math:`\eta` the reader may choose for automatic gradient steps,
        :math:`\mathbf{x} \leftarrow \mathbf{x} - \eta \nabla f(\mathbf{x})^\top`. Keyword-only.
    rate : float
        The one chosen at the start; one of `rates`. Keyword-only.
    n_samples : int
        How many check points per landscape: the deepest point and ``n_samples - 1`` seeded
        random points. Keyword-only.

    Returns
    -------
    dict
        JSON-ready: ``format`` (:data:`GAME_FORMAT`), ``version``, ``level``, ``goal``,
        ``rates``, ``rate`` and ``pits``, a list of :meth:`Landscape.to_dict
        <mmlcalc.sandpit.Landscape.to_dict>` outputs, each with an added ``samples`` list of
        ``{"x", "height", "gradient", "hessian"}`` computed by the landscape's exact
        formulas.

    Raises
    ------
    TypeError, ValueError
        If an argument is not of the kind described, or `goal` reaches another local minimum
        of some landscape.

    See Also
    --------
    game_html : the HTML that plays this data (plain lists, dicts, floats and strings, as
        ``json.dumps`` needs).

    Notes
    -----
    Making a landscape finds and checks its minima, about half a second each. Book: section
    2.6, *The sandpit*.

    Examples
    --------
    >>> from mmlcalc.sandpit_game import game_data
    >>> data = game_data([3], level="easy", goal=0.2)
    >>> data["format"], len(data["pits"]), len(data["pits"][0]["samples"])
    ('mmlcalc.sandpit_game', 1, 4)
    >>> data["pits"][0]["samples"][0]["x"] == data["pits"][0]["deepest"]["x"]
    True
    """
    seeds = _check_seeds(seeds)
    check_choice(level, "level", LEVELS)
    goal = check_positive(goal, "goal")
    rates, rate = _check_rates(rates, rate)
    if isinstance(n_samples, bool) or not isinstance(n_samples, Integral) or n_samples < 1:
        raise ValueError(f"`n_samples` must be an integer of at least 1, got {n_samples!r}")
    pits = []
    for seed in seeds:
        landscape = make_sandpit(seed, level=level)
        entry = landscape.to_dict()
        best = np.array(landscape.deepest.x)
        for other in landscape.minima[1:]:
            gap = float(np.linalg.norm(np.array(other.x) - best))
            if gap <= goal:
                raise ValueError(f"`goal` {goal} reaches another minimum of pit {seed}, "
                                 f"{gap:.3f} from the deepest")
        L = landscape.half_width
        rng = np.random.default_rng([seed, 2025])
        points = np.vstack([best, rng.uniform(-L, L, size=(int(n_samples) - 1, 2))])
        entry["samples"] = [
            {"x": [float(p[0]), float(p[1])], "height": float(landscape.height(p)),
             "gradient": [float(g) for g in landscape.gradient(p)],
             "hessian": [[float(v) for v in row] for row in landscape.hessian(p)]}
            for p in points]
        pits.append(entry)
    return {"format": GAME_FORMAT, "version": _VERSION, "level": level, "goal": goal,
            "rates": rates, "rate": rate, "pits": pits}


_MODES = (("depth", "depth only"),
          ("slope", "depth and downhill slope"),
          ("steps", "depth, slope and automatic steps"))


def _number(value: float) -> str:
    return f"{value:g}"


def game_html(data: dict, *, name: str = "sandpit") -> str:
    r"""The HTML of a playable sandpit: the controls, a canvas, and `data` embedded as JSON.

    The page's script ``sandpit.js`` finds every element with a ``data-sandpit`` attribute
    and makes it playable; without the script the HTML says that the game needs JavaScript.

    Parameters
    ----------
    data : dict
        :func:`game_data`'s output.
    name : str
        Prefix of the element ids, unique on the page: lower-case letters, digits and
        hyphens, starting with a letter. Keyword-only.

    Returns
    -------
    str
        An HTML fragment (for ``IPython.display.HTML``).

    Raises
    ------
    TypeError, ValueError
        If `data` is not :func:`game_data`'s output or `name` is not a valid id prefix.

    See Also
    --------
    game_data : the landscapes this plays.

    Notes
    -----
    The state of the game is written to data attributes of the outer element (``data-pit``,
    ``data-seed``, ``data-probes``, ``data-state``, ``data-revealed``, ``data-mode`` and,
    after a probe, ``data-last-x``, ``data-last-y``, ``data-last-depth``,
    ``data-last-gradient``), which the browser tests read. Book: section 2.6.

    Examples
    --------
    >>> from mmlcalc.sandpit_game import game_data, game_html
    >>> page = game_html(game_data([3]), name="demo")
    >>> page.startswith('<div class="sandpit-game" data-sandpit')
    True
    >>> 'id="demo-canvas"' in page and 'application/json' in page
    True
    """
    if not isinstance(data, dict) or data.get("format") != GAME_FORMAT:
        raise TypeError("`data` must be the output of game_data, got "
                        f"{type(data).__name__} with format "
                        f"{data.get('format') if isinstance(data, dict) else None!r}")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"`name` must be lower-case letters, digits and hyphens, starting "
                         f"with a letter, got {name!r}")
    goal = data["goal"]
    if not isinstance(goal, Real):
        raise TypeError(f"`data['goal']` must be a number, got {goal!r}")
    size = 2 * data["pits"][0]["half_width"]
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    modes = "\n".join(
        f'    <label><input type="radio" name="{name}-mode" value="{value}"'
        f'{" checked" if value == "depth" else ""}> {html.escape(text)}</label>'
        for value, text in _MODES)
    rates = "\n".join(
        f'      <option value="{_number(r)}"{" selected" if r == data["rate"] else ""}>'
        f"{_number(r)}</option>" for r in data["rates"])
    level = html.escape(str(data["level"]))
    n = len(data["pits"])
    help_text = (
        "Click or tap the sand to probe it. With the keyboard: the arrow keys move the "
        "cross-hair (hold Shift for long moves), Enter or Space probes; in the third mode G "
        "takes a gradient step and N a Newton step.")
    return f"""<div class="sandpit-game" data-sandpit data-level="{level}" id="{name}">
  <p class="sandpit-goal">A hidden sandpit, {_number(size)} by {_number(size)} units
  ({level} level, {n} pits). Find its deepest point: you win with a probe less than
  <strong>{_number(goal)}</strong> units from it.</p>
  <fieldset class="sandpit-modes">
    <legend>Each probe reports</legend>
{modes}
  </fieldset>
  <div class="sandpit-board">
    <canvas class="sandpit-canvas" id="{name}-canvas" width="480" height="480" tabindex="0"
      role="application" aria-roledescription="sandpit game"
      aria-label="The sandpit, seen from above" aria-describedby="{name}-help"></canvas>
  </div>
  <p class="sandpit-help" id="{name}-help">{html.escape(help_text)}</p>
  <div class="sandpit-steps" hidden>
    <label>learning rate &#951; <select class="sandpit-rate">
{rates}
    </select></label>
    <button type="button" data-action="gradient-step">Gradient step</button>
    <button type="button" data-action="newton-step">Newton step</button>
  </div>
  <div class="sandpit-controls">
    <button type="button" data-action="reveal" aria-pressed="false">Reveal the pit</button>
    <button type="button" data-action="new-pit">New pit</button>
    <span class="sandpit-counter">Probes used: <output class="sandpit-count">0</output></span>
    <span class="sandpit-which">Pit <output class="sandpit-index">1</output> of {n}</span>
  </div>
  <p class="sandpit-message" role="status">The game needs JavaScript, which seems to be
  off.</p>
  <script type="application/json" class="sandpit-data">{payload}</script>
</div>"""


def auto_step(landscape: Landscape, x, *, method: str = "gradient", lr: float = 0.3):
    r"""One automatic step of the game from `x`: a gradient-descent step or a Newton step.

    .. math::

        \mathbf{x}' = \mathbf{x} - \eta\, \nabla f(\mathbf{x})^\top
        \quad\text{or}\quad
        \mathbf{x}' = \mathbf{x} - H(\mathbf{x})^{-1} \nabla f(\mathbf{x})^\top,

    then kept inside the pit (each coordinate clipped to :math:`[-L, L]`). This is the step
    the page's script takes when the reader presses "Gradient step" or "Newton step"; the
    browser tests compare the two.

    Parameters
    ----------
    landscape : Landscape
        The pit.
    x : array_like, shape (2,)
        Where the step starts.
    method : {"gradient", "newton"}
        Which step. Keyword-only.
    lr : float
        The learning rate :math:`\eta` of a gradient step, positive. Keyword-only.

    Returns
    -------
    ndarray, shape (2,) or None
        The new point, or None for a Newton step where the Hessian is singular (condition
        number at least :math:`10^{12}`, the rule of every Newton step in the package).

    Raises
    ------
    TypeError, ValueError
        If `landscape` is not a Landscape, `x` is not a point or an option is invalid.

    See Also
    --------
    mmlcalc.gradient_descent : the same gradient step, without the walls.
    mmlcalc.newton_minimize : the same Newton step, without the walls.

    Notes
    -----
    A Newton step jumps to the stationary point of the quadratic model, whatever its kind:
    where the Hessian is not positive definite it heads for a saddle or a hump (section 5.4).
    Book: sections 2.6 and 5.4.

    Examples
    --------
    >>> from mmlcalc import Landscape
    >>> from mmlcalc.sandpit_game import auto_step
    >>> bowl = Landscape(bowl_centre=(1.0, -0.5), curvatures=(2.0, 0.5))
    >>> auto_step(bowl, [0.0, 0.0], method="gradient", lr=0.25).round(4)
    array([ 0.5   , -0.0625])
    >>> auto_step(bowl, [0.0, 0.0], method="newton").round(12)   # exact on a bowl
    array([ 1. , -0.5])
    """
    if not isinstance(landscape, Landscape):
        raise TypeError(f"`landscape` must be a Landscape, got {type(landscape).__name__}")
    check_choice(method, "method", ("gradient", "newton"))
    lr = check_positive(lr, "lr")
    x = np.asarray(x, dtype=float)
    if x.shape != (2,) or not np.all(np.isfinite(x)):
        raise ValueError(f"`x` must be a finite point (x, y), got {x.tolist()}")
    g = landscape.gradient(x)
    if method == "gradient":
        step = -lr * g
    else:
        step = newton_step(g, landscape.hessian(x))
        if step is None:
            return None
    L = landscape.half_width
    return np.clip(x + step, -L, L)
