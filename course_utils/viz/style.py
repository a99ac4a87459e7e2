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
#: A diverging colour map that stays readable with colour-blindness
#: (purple for negative, orange for positive weights).
WEIGHT_CMAP = "PuOr_r"

COURSE_STYLE = {
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
