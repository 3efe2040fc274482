"""Tests of mmlcalc.plotting.animation: frames with a slider and a play button, as HTML."""

import base64
import io
import json
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from mmlcalc.plotting import Animation, animate, figure

X = np.linspace(0.0, 1.0, 40)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _powers(n=3, **kwargs):
    fig, ax = figure(figsize=(2.0, 1.5))
    (line,) = ax.plot(X, X)
    ax.set_ylim(0, 1)
    options = dict(alt="powers of x", dpi=40)
    options.update(kwargs)
    return animate(fig, lambda p: line.set_ydata(X ** (p + 1)), range(n), **options), fig


def _image(uri):
    assert uri.startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))


def _data(html):
    payload = re.search(r'class="mml-animation-data">(.*?)</script>', html, re.S).group(1)
    return json.loads(payload)


# --- known values -------------------------------------------------------------------------------

def test_one_png_frame_per_item_at_the_figures_size():
    movie, fig = _powers(4)
    assert isinstance(movie, Animation)
    assert len(movie.frames) == 4 and movie.size == (80, 60)   # 2 x 1.5 inches at 40 dpi
    for uri in movie.frames:
        assert _image(uri).size == (80, 60)
    assert len(set(movie.frames)) == 4                           # every frame differs
    assert movie.labels == ("frame 1 of 4", "frame 2 of 4", "frame 3 of 4", "frame 4 of 4")
    assert not plt.fignum_exists(fig.number)                     # closed: shown once, as HTML


def test_the_html_has_a_labelled_slider_a_play_button_and_alt_text():
    movie, _ = _powers(3, labels=["x", "x squared", "x cubed"], slider_label="Power",
                       start=1, interval=0.5)
    html = movie.html()
    assert html == movie._repr_html_()
    assert 'data-mml-animation data-interval="0.5"' in html
    assert f'src="{movie.frames[1]}" alt="powers of x" width="80" height="60"' in html
    assert '<input type="range" class="mml-animation-slider" min="0" max="2" step="1" ' \
           'value="1" aria-label="Power" aria-valuetext="x squared">' in html
    assert '<button type="button" class="mml-animation-play">Play</button>' in html
    assert '<div class="mml-animation-controls" hidden>' in html   # until the script runs
    data = _data(html)
    assert data["labels"] == ["x", "x squared", "x cubed"]
    assert data["frames"] == [movie.frames[0], None, movie.frames[2]]  # the shown one once
    assert html.count("</script>") == 1
    assert repr(movie).startswith("<Animation: 3 frames of 80 x 60 px,")
    assert movie.nbytes == len(html.encode())


def test_text_in_labels_and_alt_is_escaped():
    movie, _ = _powers(2, alt='a "quoted" <b>', labels=["</script>", "x & y"], start=1)
    html = movie.html()
    assert 'alt="a &quot;quoted&quot; &lt;b&gt;"' in html
    assert html.count("</script>") == 1 and "x &amp; y" in html
    assert _data(html)["labels"] == ["</script>", "x & y"]


# --- agreement with a reference: matplotlib's own rendering -----------------------------------

def test_each_frame_is_the_figure_matplotlib_draws():
    movie, _ = _powers(3)
    for p, uri in enumerate(movie.frames):
        fig, ax = figure(figsize=(2.0, 1.5))
        ax.plot(X, X ** (p + 1))
        ax.set_ylim(0, 1)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=40)
        reference = np.asarray(Image.open(buffer).convert("RGB"), dtype=float)
        ours = np.asarray(_image(uri).convert("RGB"), dtype=float)
        assert ours.shape == reference.shape
        assert np.mean(np.abs(ours - reference)) < 2.0          # a palette of 128 colours
        assert np.max(np.abs(ours - reference)) < 40


# --- properties ---------------------------------------------------------------------------------

@settings(max_examples=8, deadline=None)
@given(st.integers(1, 4).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_every_frame_is_kept_once_whatever_the_start(n_and_start):
    n, start = n_and_start
    movie, _ = _powers(n, start=start, dpi=20)
    data = _data(movie.html())
    assert len(data["frames"]) == n
    assert [k for k, uri in enumerate(data["frames"]) if uri is None] == [start]
    assert f'value="{start}"' in movie.html()


# --- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "error", "match"), [
    (dict(frames=[]), ValueError, "at least one frame"),
    (dict(labels=["one"]), ValueError, "`labels` must be 2 strings"),
    (dict(labels=["one", 2]), ValueError, "`labels` must be 2 strings"),
    (dict(alt=""), ValueError, "`alt` must be a non-empty"),
    (dict(slider_label=" "), ValueError, "`slider_label` must be a non-empty"),
    (dict(interval=0), ValueError, "`interval` must be positive"),
    (dict(start=2), ValueError, "`start` must be a frame number from 0 to 1"),
    (dict(start=True), ValueError, "`start` must be a frame number"),
    (dict(dpi=-1), ValueError, "`dpi` must be positive"),
    (dict(colors=1), ValueError, "`colors` must be an integer from 2 to 256"),
    (dict(draw="draw"), TypeError, "`draw` must be callable"),
    (dict(fig="fig"), TypeError, "`fig` must be a matplotlib figure"),
])
def test_animate_refuses_bad_input(kwargs, error, match):
    fig, ax = figure(figsize=(2.0, 1.5))
    (line,) = ax.plot(X, X)
    arguments = dict(fig=fig, draw=lambda p: line.set_ydata(X**p), frames=[1, 2],
                     alt="powers")
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        animate(arguments.pop("fig"), arguments.pop("draw"), arguments.pop("frames"),
                **arguments)


def test_frames_of_different_sizes_are_refused():
    fig, ax = figure(figsize=(2.0, 1.5))
    with pytest.raises(ValueError, match="every frame must have the same size"):
        animate(fig, lambda w: fig.set_size_inches(w, 1.5), [2.0, 3.0], alt="growing", dpi=20)
    assert not plt.fignum_exists(fig.number)
