"""Figures of notebook 04: face images, where their statistics differ, and what models learn.

Like the other figure modules, every function draws from its arguments,
uses the Okabe-Ito colours and large fonts, and returns the ``Figure``.
Each figure carries a description written from the same parameters
(``fig.alt_text``); ``cu.show(fig)`` shows it as the image's alt text.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..stats.position_statistics import FACE_REGIONS, check_region
from ..validation import check_array, check_int
from .display import described
from .style import MARKER_NAMES, SERIES_COLOURS, WEIGHT_CMAP

#: A hatch per bar series, so a region is told by more than its colour.
HATCHES = ["", "//", "..", "xx", "\\\\", "++"]

__all__ = [
    "plot_accuracy_by_shift",
    "plot_filters",
    "plot_image_grid",
    "plot_learning_curve",
    "plot_region_histograms",
    "plot_regions",
]

#: Each face region keeps its colour in every figure.
REGION_COLOURS = {name: SERIES_COLOURS[k % len(SERIES_COLOURS)]
                  for k, name in enumerate(FACE_REGIONS)}


def _colour(name: str, index: int) -> str:
    return REGION_COLOURS.get(name, SERIES_COLOURS[index % len(SERIES_COLOURS)])


def plot_image_grid(images: np.ndarray, *, columns: int = 10,
                    titles: Sequence[str] | None = None, title: str | None = None,
                    titles_fontsize: float = 12) -> Figure:
    """Grey-level images side by side in rows.

    Parameters
    ----------
    images : ndarray, shape (N, H, W)
        Values in [0, 1].
    columns : int
    titles : sequence of str, optional
        One per image.
    title : str, optional
        Above the whole grid.
    titles_fontsize : float
        Font size of the per-image titles.

    Returns
    -------
    matplotlib.figure.Figure
    """
    images = check_array(images, "images", ndim=3, axes="(N, H, W)")
    columns = check_int(columns, "columns", minimum=1)
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"titles must have one title per image ({len(images)}), "
                         f"got {len(titles)}")
    rows = -(-len(images) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(1.3 * columns, 1.3 * rows + 0.6),
                             squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k < len(images):
            ax.imshow(images[k], cmap="gray", vmin=0, vmax=1)
            if titles is not None:
                ax.set_title(titles[k], fontsize=titles_fontsize)
    if title:
        fig.suptitle(title, fontsize=17, x=0.01, ha="left")
    fig.tight_layout()
    text = (f"{title!r}: " if title else "") + (
        f"{len(images)} grey-level images of {images.shape[1]}x{images.shape[2]} pixels in "
        f"{rows} row{'s' if rows > 1 else ''} of up to {columns}")
    if titles is not None:
        text += ", titled in order: " + ", ".join(titles)
    return described(fig, text + ".")


def plot_regions(image: np.ndarray, regions: Mapping[str, tuple[int, int, int, int]], *,
                 title: str | None = None) -> Figure:
    """One image with labelled boxes, e.g. the face regions on the mean face.

    Parameters
    ----------
    image : ndarray, shape (H, W)
    regions : mapping of str to (top, left, height, width)
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    image = check_array(image, "image", ndim=2, axes="(H, W)")
    if not isinstance(regions, Mapping) or not regions:
        raise TypeError(f"regions must be a non-empty dict of name -> (top, left, height, "
                        f"width), got {regions!r}")
    boxes = {name: check_region(box, image.shape, f"regions[{name!r}]")
             for name, box in regions.items()}
    fig, ax = plt.subplots(figsize=(6.4, 6.4))
    ax.imshow(image, cmap="gray", vmin=0, vmax=1)
    for k, (name, (top, left, height, width)) in enumerate(boxes.items()):
        colour = _colour(name, k)
        ax.add_patch(Rectangle((left - 0.5, top - 0.5), width, height, fill=False,
                               edgecolor=colour, lw=3))
        # the label sits inside its box, in black on white framed in the region's colour:
        # readable (the colour alone would not reach 4.5:1 on white), and named, not colour-coded
        ax.text(left - 0.3, top - 0.3, name, color="black", fontsize=13, fontweight="bold",
                va="top", bbox={"facecolor": "white", "pad": 1.5, "edgecolor": colour, "lw": 2})
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    fig.tight_layout()
    listed = "; ".join(f"{name}: rows {top}-{top + height - 1}, columns {left}-{left + width - 1}"
                       for name, (top, left, height, width) in boxes.items())
    return described(fig, (
        f"{title + ': ' if title else ''}a {image.shape[0]}x{image.shape[1]} grey-level image "
        f"with {len(boxes)} labelled boxes. {listed}."))


def plot_region_histograms(histograms: Mapping[str, np.ndarray], *,
                           title: str | None = None) -> Figure:
    """Mean edge-orientation histograms of several regions, as grouped bars.

    Parameters
    ----------
    histograms : mapping of str to ndarray, shape (bins,)
        Each sums to 1; bin k is centred on k*180/bins degrees.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not histograms:
        raise ValueError("histograms must hold at least one region")
    arrays = {name: check_array(h, f"histograms[{name!r}]", ndim=1, axes="(bins,)")
              for name, h in histograms.items()}
    bins = {a.shape[0] for a in arrays.values()}
    if len(bins) != 1:
        raise ValueError(f"every histogram must have the same number of bins, got {sorted(bins)}")
    (n_bins,) = bins
    fig, ax = plt.subplots(figsize=(11, 5))
    width = 0.8 / len(arrays)
    for k, (name, values) in enumerate(arrays.items()):
        ax.bar(np.arange(n_bins) + (k - (len(arrays) - 1) / 2) * width, values, width,
               label=name, color=_colour(name, k), edgecolor="black",
               hatch=HATCHES[k % len(HATCHES)])
    step = 180 / n_bins
    # bins are centred on multiples of the step (see orientation_histograms)
    ax.set_xticks(range(n_bins), [f"{k * step:g}°" for k in range(n_bins)])
    ax.set_xlabel("gradient direction, bin centre (0° = vertical edge, 90° = horizontal edge)")
    ax.set_ylabel("share of edge strength")
    ax.legend(ncol=min(3, len(arrays)), loc="upper left")
    ax.grid(axis="y", alpha=0.3)
    if title:
        ax.set_title(title, loc="left")
    fig.tight_layout()
    bars = "; ".join(f"{name}: " + ", ".join(f"{v:.2f}" for v in values)
                     for name, values in arrays.items())
    return described(fig, (
        f"Grouped bar chart{f' {title!r}' if title else ''}: the share of edge strength in "
        f"{n_bins} gradient-direction bins centred on "
        + ", ".join(f"{k * step:g}" for k in range(n_bins))
        + f" degrees (0 = vertical edge, 90 = horizontal edge), one bar per region, each "
        f"region with its own colour and hatch. Shares per bin: {bars}."))


def plot_filters(filters: Mapping[str, np.ndarray], *, title: str | None = None) -> Figure:
    """Filters side by side, on one colour scale centred on 0, with a colour bar.

    One scale for all panels, so that a pale filter really has small weights.

    Parameters
    ----------
    filters : mapping of str to ndarray, shape (KH, KW)
        A label and a 2-D filter.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not filters:
        raise ValueError("filters must hold at least one filter")
    kernels = {name: check_array(k, f"filters[{name!r}]", ndim=2, axes="(KH, KW)")
               for name, k in filters.items()}
    limit = max(float(np.abs(k).max()) for k in kernels.values()) or 1.0
    fig, axes = plt.subplots(1, len(kernels), figsize=(3.2 * len(kernels) + 1.0, 3.8),
                             squeeze=False)
    for ax, (name, kernel) in zip(axes[0], kernels.items()):
        shown = ax.imshow(kernel, cmap=WEIGHT_CMAP, vmin=-limit, vmax=limit)
        ax.set_title(name, fontsize=14)
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        fig.suptitle(title, fontsize=17, x=0.01, ha="left")
    fig.tight_layout()
    fig.colorbar(shown, ax=list(axes[0]), fraction=0.025, pad=0.02)
    panels = "; ".join(
        f"{' '.join(name.split())} ({kernel.shape[0]}x{kernel.shape[1]}): weights from "
        f"{kernel.min():.2f} to {kernel.max():.2f}, strongest at row "
        f"{np.unravel_index(np.abs(kernel).argmax(), kernel.shape)[0]}, column "
        f"{np.unravel_index(np.abs(kernel).argmax(), kernel.shape)[1]}"
        for name, kernel in kernels.items())
    return described(fig, (
        f"{title + ': ' if title else ''}{len(kernels)} filters side by side on one colour "
        f"scale from -{limit:.2f} (purple) through 0 (white) to {limit:.2f} (orange), with a "
        f"colour bar. {panels}."))


def plot_accuracy_by_shift(shifts: Sequence[int], accuracy: Mapping[str, np.ndarray],
                           *, title: str | None = None,
                           xlabel: str = "test faces shifted by ... pixels") -> Figure:
    """Test accuracy against shift, one line per model, with the spread over seeds.

    Parameters
    ----------
    shifts : sequence of int
        Largest shift in pixels, one per column of each array.
    accuracy : mapping of str to ndarray, shape (seeds, len(shifts))
        Each model's accuracy for every seed and shift.
    title : str, optional
    xlabel : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    shifts = list(shifts)
    if not shifts or not isinstance(accuracy, Mapping) or not accuracy:
        raise ValueError("shifts must hold at least one shift and accuracy at least one "
                         f"model's results (a dict of name -> array), got {shifts!r} and "
                         f"{accuracy!r}")
    fig, ax = plt.subplots(figsize=(9, 5.2))
    markers = ["o", "s", "^", "D", "v"]
    lines = []
    for k, (name, values) in enumerate(accuracy.items()):
        values = check_array(values, f"accuracy[{name!r}]", ndim=2, axes="(seeds, shifts)")
        if values.shape[1] != len(shifts):
            raise ValueError(f"accuracy[{name!r}] must have one column per shift "
                             f"({len(shifts)}), got {values.shape[1]}")
        mean, spread = values.mean(axis=0), values.std(axis=0)
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        ax.errorbar(shifts, mean, yerr=spread, label=name, color=colour, lw=2.5, capsize=5,
                    marker=markers[k % len(markers)], markersize=9)
        lines.append(f"{name} ({MARKER_NAMES[markers[k % len(markers)]]}): " + ", ".join(
            f"{m:.3f} ± {d:.3f}" for m, d in zip(mean, spread)))
    ax.set_xticks(shifts)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("test accuracy (mean ± sd over seeds)")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left")
    if title:
        ax.set_title(title, loc="left")
    fig.tight_layout()
    return described(fig, (
        f"Line chart{f' {title!r}' if title else ''}: test accuracy (mean ± sd over "
        f"{values.shape[0]} seeds) against {xlabel}, at " + ", ".join(str(s) for s in shifts)
        + f". One line per model: {'; '.join(lines)}."))


def plot_learning_curve(sizes: Sequence[int], accuracy: Mapping[str, np.ndarray], *,
                        level: float = 0.95, title: str | None = None) -> Figure:
    """Test accuracy against training examples per class, one line per model, with t-intervals.

    Parameters
    ----------
    sizes : sequence of int
        Training examples per class, one per row of each array; drawn on a
        logarithmic axis.
    accuracy : mapping of str to ndarray, shape (len(sizes), runs)
        Each model's test accuracy at every size, one column per run.
    level : float
        Confidence of the error bars: the mean -+ the t quantile times the
        standard error over runs (:func:`course_utils.t_interval`).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from ..stats.results import t_interval

    sizes = list(sizes)
    if not sizes or not isinstance(accuracy, Mapping) or not accuracy:
        raise ValueError("sizes must hold at least one size and accuracy at least one "
                         f"model's results (a dict of name -> array), got {sizes!r} and "
                         f"{accuracy!r}")
    fig, ax = plt.subplots(figsize=(9, 5.2))
    markers = ["o", "s", "^", "D", "v"]
    styles = ["-", "--", ":", "-."]
    lines = []
    for k, (name, values) in enumerate(accuracy.items()):
        values = check_array(values, f"accuracy[{name!r}]", ndim=2, axes="(sizes, runs)")
        if values.shape[0] != len(sizes):
            raise ValueError(f"accuracy[{name!r}] must have one row per size ({len(sizes)}), "
                             f"got {values.shape[0]}")
        intervals = [t_interval(row, level) for row in values]
        mean = np.array([i.mean for i in intervals])
        half = np.array([i.high - i.mean for i in intervals])
        # a small sideways offset per model, so that overlapping bars stay readable
        shown = np.array(sizes) * 1.04 ** (k - (len(accuracy) - 1) / 2)
        ax.errorbar(shown, mean, yerr=half, label=name,
                    color=SERIES_COLOURS[k % len(SERIES_COLOURS)], lw=2.5, capsize=5,
                    ls=styles[k % len(styles)], marker=markers[k % len(markers)],
                    markersize=9)
        lines.append(f"{name} ({MARKER_NAMES[markers[k % len(markers)]]}): " + ", ".join(
            f"{size} per class {i.mean:.3f} [{i.low:.3f}, {i.high:.3f}]"
            for size, i in zip(sizes, intervals)))
    ax.set_xscale("log")
    ax.set_xticks(sizes)
    ax.set_xticklabels([str(m) for m in sizes])
    ax.minorticks_off()
    ax.set_xlabel("training images per class (log scale)")
    ax.set_ylabel(f"test accuracy (mean, {level:.0%} t-interval)")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    if title:
        ax.set_title(title, loc="left")
    fig.tight_layout()
    return described(fig, (
        f"Learning curve{f' {title!r}' if title else ''}: test accuracy (mean over "
        f"{values.shape[1]} runs, {level:.0%} t-interval) against training images per class, "
        f"on a log axis at " + ", ".join(str(s) for s in sizes)
        + f". One line per model: {'; '.join(lines)}."))
