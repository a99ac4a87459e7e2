"""The conv-arithmetic explorer: sliders in, formula and window drawing out.

The explorer's work is done by :func:`conv_arithmetic_report`, a plain
function that is unit-tested without a browser; the widget only wires
sliders to it and to :func:`course_utils.viz.windows.plot_window_positions`.
"""

from __future__ import annotations

import io
from html import escape

from ..conv.geometry import explain_output_size, window_layout
from ..validation import check_int

__all__ = ["conv_arithmetic_explorer", "conv_arithmetic_report", "conv_arithmetic_state"]

#: The state line's HTML: a polite live region, so a screen reader reads each new state.
STATUS_HTML = ("<div role='status' aria-live='polite' aria-atomic='true' "
               "style='font-size:16px; margin:6px 0'>{}</div>")

#: Slider ranges of the explorer: (minimum, maximum, start value).
EXPLORER_RANGES = {
    "size": (1, 32, 10),
    "kernel_size": (1, 11, 3),
    "padding": (0, 5, 0),
    "stride": (1, 5, 2),
    "dilation": (1, 3, 1),
}


def conv_arithmetic_report(
    size: int, kernel_size: int, padding: int = 0, stride: int = 1, dilation: int = 1
) -> str:
    """Explain, in words and numbers, the output size of one setting; never raises.

    The text is :func:`course_utils.explain_output_size`'s; a bad setting is
    explained instead of raised, because the explorer shows this text as
    the sliders move.

    Parameters
    ----------
    size, kernel_size, padding, stride, dilation : int
        One dimension, as in :func:`course_utils.conv_output_size`.

    Returns
    -------
    str
        Several lines: the formula, the formula with the numbers put in, and
        either the output size or why the windows do not fit (with the
        floored size frameworks use and settings that would fit). Never
        raises for out-of-range values: it explains them instead.
    """
    try:
        return explain_output_size(size, kernel_size, padding, stride, dilation)
    except (TypeError, ValueError) as error:  # only a bad argument raises
        return f"Cannot compute: {error}"


def conv_arithmetic_state(
    size: int, kernel_size: int, padding: int = 0, stride: int = 1, dilation: int = 1
) -> str:
    """The explorer's state in one line, for its screen-reader live region; never raises.

    Parameters
    ----------
    size, kernel_size, padding, stride, dilation : int
        One dimension, as in :func:`course_utils.conv_output_size`.

    Returns
    -------
    str
        The settings and the number of window positions, with the cells left
        over and never read when the windows do not fit, e.g.
        ``"W=10, K=3, P=0, S=2, D=1: 4 window positions; 1 cell left over,
        input cell 9 never read."``

    Examples
    --------
    >>> conv_arithmetic_state(5, 3, padding=1)
    'W=5, K=3, P=1, S=1, D=1: 5 window positions; they fit exactly.'
    """
    settings = f"W={size}, K={kernel_size}, P={padding}, S={stride}, D={dilation}"
    try:
        layout = window_layout(size, kernel_size, padding, stride, dilation)
    except (TypeError, ValueError) as error:
        return f"{settings}: no output. {error}"
    text = f"{settings}: {layout.output_size} window position{'s' if layout.output_size != 1 else ''}"
    if layout.fits:
        return text + "; they fit exactly."
    text += f"; {layout.leftover} cell{'s' if layout.leftover != 1 else ''} left over"
    if layout.dropped_inputs:
        dropped = ", ".join(str(c) for c in layout.dropped_inputs)
        many = len(layout.dropped_inputs) > 1
        text += f", input cell{'s' if many else ''} {dropped} never read"
    return text + "."


def conv_arithmetic_explorer(**start: int):
    """Sliders for W, K, P, S and D with the report and the window drawing.

    Parameters
    ----------
    **start : int
        Starting values, e.g. ``size=10, kernel_size=3``; the others come
        from ``EXPLORER_RANGES``.

    Returns
    -------
    ipywidgets.VBox
        The explorer; display it as a cell's last expression.
    """
    # Imported here so that the rest of course_utils works without a front end.
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    from .display import figure_bundle
    from .windows import plot_window_positions

    unknown = set(start) - set(EXPLORER_RANGES)
    if unknown:
        raise TypeError(
            f"conv_arithmetic_explorer() got unknown settings {sorted(unknown)}; "
            f"allowed: {list(EXPLORER_RANGES)}"
        )
    labels = {"size": "W (input)", "kernel_size": "K (kernel)", "padding": "P (padding)",
              "stride": "S (stride)", "dilation": "D (dilation)"}
    sliders = {}
    for name, (low, high, default) in EXPLORER_RANGES.items():
        value = check_int(start.get(name, default), name, minimum=low)
        if value > high:
            raise ValueError(f"{name} must be between {low} and {high}, the slider's range, "
                             f"got {value}")
        sliders[name] = widgets.IntSlider(
            value=value, min=low, max=high, description=labels[name],
            continuous_update=False, style={"description_width": "110px"},
            layout=widgets.Layout(width="420px"),
        )
    report = widgets.HTML()
    status = widgets.HTML()
    drawing = widgets.Output()

    def update(change=None) -> None:
        values = {name: slider.value for name, slider in sliders.items()}
        status.value = STATUS_HTML.format(escape(conv_arithmetic_state(**values)))
        text = conv_arithmetic_report(**values)
        report.value = (
            "<pre style='font-size:15px; line-height:1.35; white-space:pre-wrap'>"
            + text.replace("&", "&amp;").replace("<", "&lt;")
            + "</pre>"
        )
        drawing.clear_output(wait=True)
        try:
            figure = plot_window_positions(**values)
        except ValueError:  # not even one window fits: the report says so, nothing to draw
            return
        # One PNG drawn here, with the figure's own margins: display(figure) would
        # draw it twice (once to find a tight bounding box), doubling the update time.
        png = io.BytesIO()
        figure.savefig(png, format="png", facecolor="white")
        plt.close(figure)
        data, metadata = figure_bundle(figure, png.getvalue())  # its description as alt text
        with drawing:
            display(data, raw=True, metadata=metadata)

    for slider in sliders.values():
        slider.observe(update, names="value")
    update()
    # A minimum width keeps the sliders from being squeezed by a long report.
    controls = widgets.VBox(list(sliders.values()), layout=widgets.Layout(min_width="460px"))
    report.layout = widgets.Layout(margin="0 0 0 16px", flex="1 1 auto")
    return widgets.VBox([widgets.HBox([controls, report]), status, drawing])
