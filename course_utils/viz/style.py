"""The course's look: the colour-blind-safe palette, sizes and how a cell is painted.

Nothing here imports pyplot at import time, so the HTML explorer can paint
cells without loading matplotlib.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

__all__ = ["OKABE_ITO", "use_course_style"]

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the
# common forms of colour blindness.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}
INPUT_COLOUR = "#D6ECFA"  # a light tint of sky blue
PADDING_COLOUR = "#E6E6E6"
WINDOW_COLOUR = OKABE_ITO["orange"]
DROPPED_COLOUR = OKABE_ITO["vermillion"]
HIGHLIGHT_COLOUR = OKABE_ITO["blue"]
#: The slices behind the front one when a volume is drawn in depth: a paler input tint.
BACK_SLICE_COLOUR = "#EEF6FC"
#: Cells no window reads are also crossed, so colour is not the only sign.
DROPPED_HATCH = "x"
#: A box behind a number on a crossed cell, so the cross never runs through it.
TEXT_BOX = {"facecolor": DROPPED_COLOUR, "edgecolor": "none", "pad": 3.0}
#: Numbers on padding cells: grey enough to set padding apart, dark enough to read
#: (contrast 8.3:1 on the padding grey; WCAG asks at least 4.5:1).
PADDING_TEXT_COLOUR = "#404040"
#: What a line's marker looks like, for a figure's description.
MARKER_NAMES = {"o": "circles", "s": "squares", "^": "triangles", "D": "diamonds",
                "v": "down-triangles"}
#: A diverging colour map that stays readable with colour-blindness
#: (purple for negative, orange for positive weights).
WEIGHT_CMAP = "PuOr_r"

COURSE_STYLE = {
    # opaque white: a figure stays readable on JupyterLab's dark theme
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "font.size": 16,
    "axes.titlesize": 18,
    "axes.labelsize": 16,
    "xtick.labelsize": 14,
    "ytick.labelsize": 14,
    "legend.fontsize": 14,
    "figure.dpi": 80,
    "savefig.dpi": 80,
}
#: One colour per line, bar, model or region, in a fixed order.
SERIES_COLOURS = [
    OKABE_ITO[name] for name in ("blue", "orange", "green", "vermillion", "purple", "sky_blue")
]

#: Grids with more cells per side than this are drawn without numbers.
MAX_LABELLED_CELLS = 24


def use_course_style() -> None:
    """Set matplotlib's defaults to the course's large, colour-blind-safe style."""
    import matplotlib.pyplot as plt  # here, not at the top: importing pyplot takes 0.3 s

    plt.rcParams.update(COURSE_STYLE)
    plt.rcParams["axes.prop_cycle"] = plt.cycler(color=SERIES_COLOURS)

#: A light tint of the window's orange, so black numbers stay readable on it.
WINDOW_TINT = "#F8D9A0"


def cell_colours(
    shape: tuple[int, int],
    *,
    is_padding: Optional[np.ndarray] = None,
    window: Optional[tuple[int, int, int, int]] = None,
    highlight: Optional[tuple[int, int]] = None,
    shown: Optional[np.ndarray] = None,
) -> np.ndarray:
    """The background colour of every cell, as the figures and the explorer paint it.

    Parameters
    ----------
    shape : (int, int)
        ``(R, C)``.
    is_padding, window, highlight, shown
        As in :func:`draw_value_grid`.

    Returns
    -------
    ndarray of str, shape (R, C)
        Orange tint under the window or on the highlighted cell, grey on
        padding, white on values not shown yet, light blue elsewhere.
    """
    colours = np.full(shape, INPUT_COLOUR, dtype=object)
    if shown is not None:
        colours[~shown] = "white"
    if is_padding is not None:
        colours[is_padding] = PADDING_COLOUR
    if window is not None:
        top, left, height, width = window
        colours[top : top + height, left : left + width] = WINDOW_TINT
    if highlight is not None:
        colours[highlight[0], highlight[1]] = WINDOW_TINT
    return colours


def grid_outline(is_padding: Optional[np.ndarray]) -> Optional[tuple[int, int, int, int]]:
    """``(top, left, height, width)`` of the real grid inside its padding, or None."""
    if is_padding is None or not is_padding.any() or is_padding.all():
        return None
    inside_rows = np.flatnonzero(~is_padding.all(axis=1))
    inside_cols = np.flatnonzero(~is_padding.all(axis=0))
    return (inside_rows[0], inside_cols[0], len(inside_rows), len(inside_cols))


def relative_luminance(colour) -> float:
    """WCAG 2 relative luminance of a colour (``"#RRGGBB"``, a name, or an RGB(A) tuple)."""
    from matplotlib.colors import to_rgb  # matplotlib.colors does not load pyplot

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in to_rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground, background) -> float:
    """WCAG 2 contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background) -> str:
    """Black or white, whichever contrasts more with ``background`` (always at least 4.58:1)."""
    return ("black" if contrast_ratio("black", background) >= contrast_ratio("white", background)
            else "white")


#: Every (text, background) pair the figures and the explorer write numbers in.
#: tests/test_accessibility.py checks each against WCAG's 4.5:1.
TEXT_PAIRS = {
    "number on an input cell": ("black", INPUT_COLOUR),
    "number on a padding cell": (PADDING_TEXT_COLOUR, PADDING_COLOUR),
    "number under the window": ("black", WINDOW_TINT),
    "number on a never-read cell": ("black", DROPPED_COLOUR),
    "number not computed yet (white cell)": ("black", "white"),
    "the sum of products under a frame": (HIGHLIGHT_COLOUR, "white"),
    "label on a face region (boxed in its colour)": ("black", "white"),
}
