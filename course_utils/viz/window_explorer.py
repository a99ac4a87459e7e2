"""The sliding-window explorer: play a convolution one output cell at a time.

Each frame is an HTML snippet made by :func:`sliding_frame_html`, a plain
function of a :class:`~course_utils.conv.sliding.SlidingFrame`, unit-tested
without a browser. HTML rather than a matplotlib image keeps a frame
redraw to a few milliseconds, so the Play button can step smoothly even on
a busy Binder machine; the colours are those of
:func:`course_utils.plot_conv_step`, which draws the same frame for slides
and printed notes.
"""

from __future__ import annotations

from html import escape

import numpy as np

from ..conv.padding import PADDING_MODES
from ..conv.sliding import SlidingFrame, format_value, products_text, sliding_window_frame
from ..validation import check_int
from .style import (
    HIGHLIGHT_COLOUR,
    PADDING_COLOUR,
    PADDING_TEXT_COLOUR,
    WINDOW_COLOUR,
    cell_colours,
    grid_outline,
)

#: The state line's HTML: a polite live region, so a screen reader reads each new step.
STATUS_HTML = ("<div role='status' aria-live='polite' aria-atomic='true' "
               "style='font-size:16px; margin:8px 0'>{}</div>")

__all__ = ["explorer_frame_html", "explorer_state", "sliding_window_explorer"]

#: Choices offered by the explorer's controls.
EXPLORER_PADDINGS = (0, 1, 2)
EXPLORER_STRIDES = (1, 2)

# One style sheet per frame keeps each cell's own style short; the class
# name is specific to the course so it cannot restyle other tables.
_STYLE = (
    "<style>.cu-grid td {width:2.2em; height:2.2em; text-align:center; vertical-align:middle; "
    "font-size:20px; font-family:monospace; padding:0; border:1px solid #595959; color:black}"
    ".cu-grid {border-collapse:collapse; margin:0}</style>"
)


def _edge_borders(
    r: int, c: int, box: tuple[int, int, int, int] | None, style: str
) -> dict[str, str]:
    """Thick borders on the sides of cell (r, c) that lie on the outline of ``box``."""
    if box is None:
        return {}
    top, left, height, width = box
    if not (top <= r < top + height and left <= c < left + width):
        return {}
    sides = {}
    if r == top:
        sides["top"] = style
    if r == top + height - 1:
        sides["bottom"] = style
    if c == left:
        sides["left"] = style
    if c == left + width - 1:
        sides["right"] = style
    return sides


def grid_html(
    values: np.ndarray,
    *,
    is_padding: np.ndarray | None = None,
    window: tuple[int, int, int, int] | None = None,
    highlight: tuple[int, int] | None = None,
    shown: np.ndarray | None = None,
    title: str = "",
) -> str:
    """One grid of numbers as an HTML table, coloured like the course's figures.

    Parameters
    ----------
    values : ndarray, shape (R, C)
    is_padding : ndarray of bool, shape (R, C), optional
        Padding cells (grey); the original grid is outlined in black.
    window : (top, left, height, width), optional
        Cells under the kernel (orange tint, thick orange outline).
    highlight : (row, col), optional
        The output cell being computed (orange).
    shown : ndarray of bool, shape (R, C), optional
        Cells whose value is written; others are blank.
    title : str

    Returns
    -------
    str
        A ``<div>`` with a caption and a ``<table>``.
    """
    rows, cols = values.shape
    inner = grid_outline(is_padding)
    colours = cell_colours(
        values.shape, is_padding=is_padding, window=window, highlight=highlight, shown=shown
    )
    box = (
        window
        if window is not None
        else ((highlight[0], highlight[1], 1, 1) if highlight is not None else None)
    )
    lines = [
        "<div style='display:inline-block; vertical-align:top; margin-right:28px'>",
        f"<div style='font-size:18px; text-align:center; margin-bottom:4px'>{escape(title)}</div>",
        "<table class='cu-grid'>",
    ]
    for r in range(rows):
        cells = []
        for c in range(cols):
            face = colours[r, c]
            borders = _edge_borders(r, c, inner, "3px solid black")
            borders.update(_edge_borders(r, c, box, f"4px solid {WINDOW_COLOUR}"))
            border_css = "".join(f"border-{side}:{value}; " for side, value in borders.items())
            colour = f"color:{PADDING_TEXT_COLOUR}; " if face == PADDING_COLOUR else ""
            text = format_value(values[r, c]) if shown is None or shown[r, c] else ""
            cells.append(f"<td style='background:{face}; {colour}{border_css}'>{text}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</table></div>")
    return "\n".join(lines)


def sliding_frame_html(frame: SlidingFrame, *, show_all: bool = False) -> str:
    """One frame of the explorer: input | kernel | output, then the sum of products.

    Parameters
    ----------
    frame : SlidingFrame
    show_all : bool
        Write every output value, not only those computed so far.

    Returns
    -------
    str
        HTML for an ``ipywidgets.HTML`` widget.
    """
    kh, kw = frame.kernel.shape
    top, left = frame.window_origin
    input_title = "input" + (f", {frame.mode} padding {frame.padding}" if frame.padding else "")
    panels = [
        grid_html(
            frame.padded,
            is_padding=frame.is_padding if frame.padding else None,
            window=(top, left, kh, kw),
            title=input_title,
        ),
        grid_html(frame.kernel, title="kernel"),
        grid_html(
            frame.output,
            highlight=frame.position,
            shown=None if show_all else frame.filled,
            title=f"output (stride {frame.stride})",
        ),
    ]
    note = "   (the window reads padding)" if frame.reads_padding else ""
    return (
        _STYLE + "<div>" + "".join(panels) + "</div>"
        "<div style='font-size:17px; margin-top:10px; font-family:monospace; "
        f"color:{HIGHLIGHT_COLOUR}'>step {frame.step + 1} of {frame.steps}: "
        f"{escape(products_text(frame))}{escape(note)}</div>"
    )


def explorer_frame_html(
    grid: np.ndarray, kernel: np.ndarray, step: int, padding: int, stride: int, mode: str
) -> str:
    """The explorer's update function: the settings in, one frame of HTML out.

    Parameters
    ----------
    grid : ndarray, shape (H, W)
    kernel : ndarray, shape (KH, KW)
    step, padding, stride : int
    mode : {'zeros', 'reflect', 'replicate', 'circular'}

    Returns
    -------
    str
    """
    return sliding_frame_html(
        sliding_window_frame(grid, kernel, step, padding=padding, stride=stride, mode=mode)
    )


def explorer_state(
    grid: np.ndarray, kernel: np.ndarray, step: int, padding: int, stride: int, mode: str
) -> str:
    """The explorer's state in one line, for its screen-reader live region; never raises.

    The same words as :func:`course_utils.plot_conv_step`'s alt text (both
    come from :func:`course_utils.viz.grids.describe_frame`).

    Returns
    -------
    str
        E.g. ``"Step 2 of 25, stride 1: 5x5 grid inside one ring of zero
        padding (...); the 3x3 window covers rows 0-2, columns 1-3 of the
        padded grid and reads padding; output cell (0, 1) = 2."``, or why
        the setting cannot be drawn.
    """
    from .grids import describe_frame  # grids imports matplotlib; only its text is used here

    try:
        frame = sliding_window_frame(grid, kernel, step, padding=padding, stride=stride,
                                     mode=mode)
    except (TypeError, ValueError) as error:
        return f"No frame: {error}"
    return describe_frame(frame) + "."


def sliding_window_explorer(
    grid: np.ndarray,
    kernel: np.ndarray,
    *,
    padding: int = 1,
    stride: int = 1,
    mode: str = "zeros",
    interval_ms: int = 900,
):
    """Play, step and re-pad a convolution of ``grid`` with ``kernel``.

    A Play button and a step slider move the window one output cell at a
    time; buttons choose the padding (0, 1, 2), the stride (1, 2) and the
    padding mode. Changing a setting starts again from step 1.

    Parameters
    ----------
    grid : array_like, shape (H, W)
    kernel : array_like, shape (KH, KW)
    padding : {0, 1, 2}
    stride : {1, 2}
    mode : {'zeros', 'reflect', 'replicate', 'circular'}
        Starting settings.
    interval_ms : int
        Time between steps while playing.

    Returns
    -------
    ipywidgets.VBox
        Display it as a cell's last expression.
    """
    # Imported here so that the rest of course_utils works without a front end.
    import ipywidgets as widgets

    # Validate the starting settings once, with the plain function's messages.
    first = sliding_window_frame(grid, kernel, 0, padding=padding, stride=stride, mode=mode)
    grid = np.asarray(grid)
    kernel = np.asarray(kernel)
    for name, value, offered in (("padding", padding, EXPLORER_PADDINGS),
                                 ("stride", stride, EXPLORER_STRIDES)):
        if value not in offered:
            raise ValueError(f"{name} must be one of {list(offered)}, the explorer's "
                             f"buttons, got {value!r}")
    interval_ms = check_int(interval_ms, "interval_ms", minimum=50)
    last = first.steps - 1
    play = widgets.Play(
        value=0,
        min=0,
        max=last,
        step=1,
        interval=interval_ms,
        description="Play",
        show_repeat=False,
    )
    step = widgets.IntSlider(
        value=0,
        min=0,
        max=last,
        description="step",
        readout=False,
        layout=widgets.Layout(width="360px"),
    )
    widgets.jslink((play, "value"), (step, "value"))
    label_style = {"description_width": "80px", "button_width": "64px"}
    paddings = widgets.ToggleButtons(
        options=list(EXPLORER_PADDINGS), value=padding, description="padding", style=label_style
    )
    strides = widgets.ToggleButtons(
        options=list(EXPLORER_STRIDES), value=stride, description="stride", style=label_style
    )
    modes = widgets.ToggleButtons(
        options=list(PADDING_MODES),
        value=mode,
        description="mode",
        style={"description_width": "80px", "button_width": "90px"},
    )
    frame = widgets.HTML()
    status = widgets.HTML()

    def show(change=None) -> None:
        status.value = STATUS_HTML.format(escape(explorer_state(
            grid, kernel, step.value, paddings.value, strides.value, modes.value)))
        try:
            frame.value = explorer_frame_html(
                grid, kernel, step.value, paddings.value, strides.value, modes.value
            )
        except ValueError as error:  # e.g. reflect padding wider than a small grid
            frame.value = (
                f"<pre style='font-size:16px; white-space:pre-wrap'>{escape(str(error))}</pre>"
            )

    def restart(change=None) -> None:
        try:
            steps = sliding_window_frame(
                grid, kernel, 0, padding=paddings.value, stride=strides.value, mode=modes.value
            ).steps
        except ValueError:
            steps = 1  # show() explains what is wrong with this setting
        # Move back to the start before shrinking the range, so the value stays valid.
        play.value = 0
        step.value = 0
        play.max = step.max = steps - 1
        show()

    step.observe(show, names="value")
    for control in (paddings, strides, modes):
        control.observe(restart, names="value")
    show()
    controls = widgets.VBox([widgets.HBox([play, step]), paddings, strides, modes])
    return widgets.VBox([controls, status, frame])
