r"""Figures that move: a few frames, a slider and a play button, with no kernel behind them.

:func:`animate` draws a figure once per frame, keeps each frame as a small PNG image and
returns HTML that shows the first frame with a slider and a play button. The script that
ships with the package, ``mmlcalc/_static/animation.js``, makes the controls work; without it
the reader sees one frame and no dead controls. The frames are inside the page (data URIs):
nothing is fetched.

This is what matplotlib's ``FuncAnimation(...).to_jshtml()`` does, made smaller (frames are
stored as palette PNGs) and accessible: the image has alt text, the slider has a label and
says which frame it shows, and the play button says what it does.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from numbers import Integral

import matplotlib.pyplot as plt
from PIL import Image

from .._validation import check_callable, check_positive

__all__ = ["Animation", "animate"]


@dataclass(frozen=True)
class Animation:
    """Frames of a figure, shown with a slider and a play button.

    Displayed in a notebook (or by myst-nb on the book's pages) as HTML.

    Attributes
    ----------
    frames : tuple of str
        The frames as ``data:image/png;base64,...`` URIs, in order.
    labels : tuple of str
        What each frame shows, e.g. "degree 3": the slider announces it.
    alt : str
        Alt text of the image, for a reader who cannot see it.
    slider_label : str
        The slider's accessible name, e.g. "Degree of the partial sum".
    interval : float
        Seconds per frame when playing.
    start : int
        The frame shown first (and without JavaScript).
    size : (int, int)
        Width and height of the frames in pixels.

    Notes
    -----
    Book: sections 4.2, 5.1 and 5.3.
    """

    frames: tuple[str, ...]
    labels: tuple[str, ...]
    alt: str
    slider_label: str
    interval: float
    start: int
    size: tuple[int, int]

    @property
    def nbytes(self) -> int:
        """Size of the HTML in bytes (most of it the frames)."""
        return len(self.html().encode())

    def html(self) -> str:
        """The HTML: the start frame, hidden controls, and the frames as JSON."""
        n = len(self.frames)
        label = html.escape(self.labels[self.start])
        others = [None if k == self.start else uri for k, uri in enumerate(self.frames)]
        payload = json.dumps({"frames": others, "labels": list(self.labels)},
                             separators=(",", ":")).replace("</", "<\\/")
        width, height = self.size
        return (
            f'<div class="mml-animation" data-mml-animation '
            f'data-interval="{self.interval:g}">\n'
            f'  <img class="mml-animation-frame" src="{self.frames[self.start]}" '
            f'alt="{html.escape(self.alt)}" width="{width}" height="{height}">\n'
            f'  <div class="mml-animation-controls" hidden>\n'
            f'    <button type="button" class="mml-animation-play">'
            f'Play</button>\n'
            f'    <input type="range" class="mml-animation-slider" min="0" max="{n - 1}" '
            f'step="1" value="{self.start}" aria-label="{html.escape(self.slider_label)}" '
            f'aria-valuetext="{label}">\n'
            f'    <output class="mml-animation-label">{label}</output>\n'
            f'  </div>\n'
            f'  <script type="application/json" class="mml-animation-data">{payload}</script>\n'
            f'</div>')

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        return (f"<Animation: {len(self.frames)} frames of {self.size[0]} x {self.size[1]} "
                f"px, {self.nbytes / 1024:.0f} kB>")


def _png(fig, dpi: float | None, colors: int) -> tuple[str, tuple[int, int]]:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    small = io.BytesIO()
    image.quantize(colors=colors).save(small, format="PNG", optimize=True)
    data = base64.b64encode(small.getvalue()).decode("ascii")
    return f"data:image/png;base64,{data}", image.size


def animate(fig, draw: Callable, frames: Iterable, *, alt: str, labels: Iterable[str] | None = None,
            slider_label: str = "Frame", interval: float = 0.8, start: int = 0,
            dpi: float | None = None, colors: int = 128) -> Animation:
    r"""Draw `fig` once per frame and return the frames with a slider and a play button.

    For each item :math:`a_k` of `frames`, ``draw(a_k)`` changes the figure (set the data of
    lines, add artists, change titles...) and the figure is saved as frame :math:`k`. The
    layout of the first frame is kept for all (so the axes do not jump between frames), and
    `fig` is closed at the end, so a notebook shows the animation, not the last frame again.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, made with :func:`mmlcalc.plotting.figure` for the house style.
    draw : callable
        ``draw(item)`` brings the figure to the frame of one item of `frames`.
    frames : iterable
        One item per frame (numbers, tuples, anything `draw` takes); at least one.
    alt : str
        Alt text for the image: what the animation shows. Keyword-only.
    labels : iterable of str, optional
        One label per frame, announced by the slider and shown beside it; default
        "frame 1 of n", ... Keyword-only.
    slider_label : str
        The slider's accessible name. Keyword-only.
    interval : float
        Seconds per frame when playing, positive. Keyword-only.
    start : int
        The frame shown first, and the only one a reader without JavaScript sees.
        Keyword-only.
    dpi : float, optional
        Resolution of the frames; default the figure's. Keyword-only.
    colors : int
        Colours of each frame's palette, 2 to 256: fewer make lighter pages. Keyword-only.

    Returns
    -------
    Animation
        Shown as HTML in a notebook; ``Animation.nbytes`` is its weight.

    Raises
    ------
    TypeError, ValueError
        If `draw` is not callable, there are no frames, the labels do not match the frames,
        `start` is not a frame, or an option is out of range.

    See Also
    --------
    matplotlib.animation.FuncAnimation : its ``to_jshtml`` method does the same with
        matplotlib's own controls.

    Notes
    -----
    Each frame costs a PNG: keep animations to about 25 frames at a modest resolution. The
    controls need ``mmlcalc/_static/animation.js``. Book: sections 4.2, 5.1 and 5.3.

    Examples
    --------
    >>> import numpy as np
    >>> import mmlcalc as mml
    >>> from mmlcalc.plotting.animation import animate
    >>> fig, ax = mml.plotting.figure(figsize=(3, 2))
    >>> x = np.linspace(0, 1, 50)
    >>> (line,) = ax.plot(x, x)
    >>> movie = animate(fig, lambda p: line.set_ydata(x**p), [1, 2, 3], alt="x to a power",
    ...                 labels=["x", "x^2", "x^3"], slider_label="Power", dpi=50)
    >>> len(movie.frames), movie.labels[2], movie.size
    (3, 'x^3', (150, 100))
    """
    check_callable(draw, "draw")
    if not hasattr(fig, "savefig"):
        raise TypeError(f"`fig` must be a matplotlib figure, got {type(fig).__name__}")
    frames = list(frames)
    if not frames:
        raise ValueError("`frames` must hold at least one frame, got none")
    n = len(frames)
    labels = [f"frame {k + 1} of {n}" for k in range(n)] if labels is None else list(labels)
    if len(labels) != n or not all(isinstance(t, str) for t in labels):
        raise ValueError(f"`labels` must be {n} strings, one per frame, got {labels!r}")
    if not isinstance(alt, str):
        raise TypeError(f"`alt` must be a string describing the figure, got {type(alt).__name__}")
    if not alt.strip():
        raise ValueError(f"`alt` must be a non-empty description of the figure, got {alt!r}")
    if not isinstance(slider_label, str) or not slider_label.strip():
        raise ValueError(f"`slider_label` must be a non-empty string, got {slider_label!r}")
    interval = check_positive(interval, "interval")
    if isinstance(start, bool) or not isinstance(start, Integral) or not 0 <= start < n:
        raise ValueError(f"`start` must be a frame number from 0 to {n - 1}, got {start!r}")
    if dpi is not None:
        dpi = check_positive(dpi, "dpi")
    if isinstance(colors, bool) or not isinstance(colors, Integral) or not 2 <= colors <= 256:
        raise ValueError(f"`colors` must be an integer from 2 to 256, got {colors!r}")
    images = []
    try:
        for k, item in enumerate(frames):
            draw(item)
            images.append(_png(fig, dpi, int(colors)))
            if k == 0 and fig.get_layout_engine() is not None:
                # keep the first frame's layout: the axes stay put from frame to frame (no
                # jitter as tick labels change), and each frame is drawn once, not twice
                fig.set_layout_engine("none")
    finally:
        plt.close(fig)
    sizes = {size for _, size in images}
    if len(sizes) != 1:
        raise ValueError(f"every frame must have the same size, got {sorted(sizes)}: keep "
                         "`fig`'s size fixed in `draw` (constrained layout is fine)")
    return Animation(frames=tuple(uri for uri, _ in images), labels=tuple(labels), alt=alt,
                     slider_label=slider_label, interval=interval, start=int(start),
                     size=sizes.pop())
