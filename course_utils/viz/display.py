"""Showing a figure with its description: the alt text of every course figure.

Every figure function of ``viz`` writes, from the same parameters that drew
the figure, a description of what it shows (the sizes, the highlighted
cells, the values that matter) and attaches it to the ``Figure`` with
:func:`described`. :func:`show` then displays the figure once, as a PNG
with that description as its alt text, in every form the front ends read:

- ``text/html``: ``<img src="data:image/png;base64,..." alt="...">``. JupyterLab
  (4.6) prefers HTML to PNG and gives a plain PNG no alt at all, and
  nbconvert's HTML and slide exports prefer it too, so this is the form that
  reaches a screen reader there;
- ``image/png`` with ``{"alt": ...}`` in its output metadata, which nbconvert
  reads when it shows the PNG itself and other notebook viewers may;
- ``text/plain``: the description, for anything that shows only text.

The PNG has an opaque white background, so a figure stays readable in
JupyterLab's dark theme.
"""

from __future__ import annotations

import base64
import io
from html import escape

__all__ = ["show"]

#: The attribute of a ``Figure`` that holds its description.
ALT_ATTRIBUTE = "alt_text"


def described(fig, description: str):
    """Attach ``description`` to ``fig`` as its alt text; return ``fig``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    description : str
        What the figure shows, written from the parameters that drew it.

    Returns
    -------
    matplotlib.figure.Figure
        The same figure.
    """
    if not isinstance(description, str) or not description.strip():
        raise ValueError(f"a figure's description must be non-empty text, got {description!r}")
    setattr(fig, ALT_ATTRIBUTE, " ".join(description.split()))
    return fig


def alt_text_of(fig) -> str:
    """The description attached to ``fig`` by its figure function.

    Raises
    ------
    TypeError
        When ``fig`` is not a matplotlib ``Figure``.
    ValueError
        When the figure has none (it was not drawn by a course figure function).
    """
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure drawn by a course_utils figure "
                        f"function, got {fig!r:.60} of type {type(fig).__name__}")
    text = getattr(fig, ALT_ATTRIBUTE, None)
    if not text:
        raise ValueError(
            "fig has no description: draw it with a course_utils figure function, which must "
            "attach one, or use course_utils.viz.display.described(fig, 'what it shows')"
        )
    return text


def png_bytes(fig) -> bytes:
    """The figure as a PNG, as the inline backend draws it, on an opaque white background."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", facecolor="white", transparent=False)
    return buffer.getvalue()


def figure_bundle(fig, png: bytes | None = None) -> tuple[dict, dict]:
    """The display data and metadata of ``fig``: HTML image with alt, PNG with alt, text.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        With a description (see :func:`described`).
    png : bytes, optional
        The PNG, if already drawn.

    Returns
    -------
    (dict, dict)
        ``data`` and ``metadata`` for ``IPython.display.display(data, raw=True,
        metadata=metadata)``.
    """
    alt = alt_text_of(fig)
    encoded = base64.b64encode(png if png is not None else png_bytes(fig)).decode("ascii")
    html = f'<img src="data:image/png;base64,{encoded}" alt="{escape(alt, quote=True)}">'
    data = {"image/png": encoded, "text/html": html, "text/plain": alt}
    return data, {"image/png": {"alt": alt}}


def show(fig) -> None:
    """Display a course figure with its description as alt text, then close it.

    Use it as a cell's last line: ``cu.show(cu.plot_grid(grid))``. The
    description is also the figure's text form, so it is kept (and checked
    by the tests) with the notebook's outputs.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Drawn by a course figure function (which attaches the description).
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    data, metadata = figure_bundle(fig)
    plt.close(fig)  # shown here, so the inline backend does not show it a second time
    display(data, raw=True, metadata=metadata)
