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
    "plot_change_map",
    "plot_filters",
    "plot_image_grid",
    "plot_learning_curve",
    "plot_paired_differences",
    "plot_region_histograms",
    "plot_regions",
]

#: Each face region keeps its colour in every figure.
REGION_COLOURS = {name: SERIES_COLOURS[k % len(SERIES_COLOURS)]
                  for k, name in enumerate(FACE_REGIONS)}


def _colour(name: str, index: int) -> str:
    return REGION_COLOURS.get(name, SERIES_COLOURS[index % len(SERIES_COLOURS)])


#: An image of plot_image_grid is at least this many times as tall as its title's font.
TITLE_TO_PANEL = 7


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
        Font size of the per-image titles; the images grow with it (at least
        ``TITLE_TO_PANEL`` times the font's height).

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
    # Each image at least TITLE_TO_PANEL times as tall as its title's letters, so that
    # large titles (for a projector) never dwarf the images under them.
    panel = max(1.3, TITLE_TO_PANEL * titles_fontsize / 72)
    fig, axes = plt.subplots(rows, columns,
                             figsize=(panel * columns, (panel + titles_fontsize / 72) * rows + 0.6),
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


#: Marker and line style of the n-th model of a line chart: with the colour, three signs apart.
MARKERS = ["o", "s", "^", "D", "v"]
LINE_STYLES = ["-", "--", ":", "-."]


def _legend_below(ax, handles=None) -> None:
    """The legend in two columns under the axes, where it hides no point."""
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2,
              fontsize=13, frameon=False)


def _model_lines(accuracy: Mapping[str, np.ndarray], points: int, what: str, axes: str
                 ) -> dict[str, np.ndarray]:
    """Each model's (points, runs) array, checked; or a clear error."""
    if not isinstance(accuracy, Mapping) or not accuracy:
        raise ValueError(f"accuracy must hold at least one model's results (a dict of name -> "
                         f"array), got {accuracy!r}")
    checked = {}
    for name, values in accuracy.items():
        values = check_array(values, f"accuracy[{name!r}]", ndim=2, axes=axes)
        if values.shape[0] != points:
            raise ValueError(f"accuracy[{name!r}] must have one row per {what} ({points}), "
                             f"got {values.shape[0]}")
        checked[name] = values
    return checked


def _intervals_text(labels: Sequence[str], intervals: Sequence[tuple[float, float, float]]
                    ) -> str:
    return ", ".join(f"{label} {mean:.3f} [{low:.3f}, {high:.3f}]"
                     for label, (mean, low, high) in zip(labels, intervals))


def _interval_lines(ax, xs: Sequence[float], values: Mapping[str, np.ndarray], labels:
                    Sequence[str], seed: int, spread: float = 1.0) -> list[str]:
    """One line per model, the mean over runs with its 95% interval; their descriptions.

    ``spread`` > 1 sets the models a little apart on a log axis, so that
    overlapping bars stay readable.
    """
    from ..stats.paired_runs import mean_interval

    lines = []
    for k, (name, runs) in enumerate(values.items()):
        intervals = [mean_interval(row, seed=seed) for row in runs]
        mean, low, high = (np.array(column) for column in zip(*intervals))
        shown = np.asarray(xs, dtype=float) * spread ** (k - (len(values) - 1) / 2)
        ax.errorbar(shown, mean, yerr=[mean - low, high - mean], label=name,
                    color=SERIES_COLOURS[k % len(SERIES_COLOURS)], lw=2.5, capsize=5,
                    ls=LINE_STYLES[k % len(LINE_STYLES)], marker=MARKERS[k % len(MARKERS)],
                    markersize=9)
        lines.append(f"{name} ({MARKER_NAMES[MARKERS[k % len(MARKERS)]]}): "
                     + _intervals_text(labels, intervals))
    return lines


def plot_accuracy_by_shift(shifts: Sequence[int], accuracy: Mapping[str, np.ndarray],
                           *, title: str | None = None,
                           xlabel: str = "test faces shifted by ... pixels",
                           seed: int = 0) -> Figure:
    """Test accuracy against shift, one line per model, with a 95% interval over the runs.

    Parameters
    ----------
    shifts : sequence of int
        Shift in pixels, one per column of each array.
    accuracy : mapping of str to ndarray, shape (runs, len(shifts))
        Each model's accuracy in every run at every shift.
    title : str, optional
    xlabel : str
    seed : int
        Seed of :func:`course_utils.mean_interval`'s random sign patterns (beyond
        16 runs): the error bars are the means a sign-flip test over the runs
        does not reject.

    Returns
    -------
    matplotlib.figure.Figure
    """
    shifts = list(shifts)
    if not shifts:
        raise ValueError("shifts must hold at least one shift")
    if not isinstance(accuracy, Mapping) or not accuracy:
        raise ValueError(f"accuracy must hold at least one model's results (a dict of name -> "
                         f"array), got {accuracy!r}")
    by_shift = {}
    for name, values in accuracy.items():
        values = check_array(values, f"accuracy[{name!r}]", ndim=2, axes="(runs, shifts)")
        if values.shape[1] != len(shifts):
            raise ValueError(f"accuracy[{name!r}] must have one column per shift "
                             f"({len(shifts)}), got {values.shape[1]}")
        by_shift[name] = values.T  # one row per shift, as the lines are drawn
    runs = next(iter(by_shift.values())).shape[1]
    fig, ax = plt.subplots(figsize=(9, 6.2))
    lines = _interval_lines(ax, shifts, by_shift, [f"{s} px" for s in shifts], seed)
    ax.set_xticks(shifts)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(f"test accuracy\n(mean of {runs} runs, 95% interval)")
    ax.grid(alpha=0.3)
    _legend_below(ax)
    if title:
        ax.set_title(title, loc="left")
    fig.tight_layout()
    return described(fig, (
        f"Line chart{f' {title!r}' if title else ''}: test accuracy (mean of {runs} runs, with "
        f"a 95% interval, the means a sign-flip test over the runs does not reject) against "
        f"{xlabel}, at "
        + ", ".join(str(s) for s in shifts) + f". One line per model: {'; '.join(lines)}."))


def plot_learning_curve(sizes: Sequence[int], accuracy: Mapping[str, np.ndarray], *,
                        title: str | None = None, seed: int = 0) -> Figure:
    """Test accuracy against training examples per class, one line per model, 95% intervals.

    Parameters
    ----------
    sizes : sequence of int
        Training examples per class, one per row of each array; drawn on a
        logarithmic axis.
    accuracy : mapping of str to ndarray, shape (len(sizes), runs)
        Each model's test accuracy at every size, one column per run.
    title : str, optional
    seed : int
        Seed of :func:`course_utils.mean_interval`'s random sign patterns (beyond
        16 runs): the error bars are the 95% intervals of the mean over runs,
        the means a sign-flip test over the runs does not reject.

    Returns
    -------
    matplotlib.figure.Figure
    """
    sizes = list(sizes)
    if not sizes:
        raise ValueError("sizes must hold at least one size")
    values = _model_lines(accuracy, len(sizes), "size", "(sizes, runs)")
    runs = next(iter(values.values())).shape[1]
    fig, ax = plt.subplots(figsize=(9, 6.2))
    lines = _interval_lines(ax, sizes, values, [f"{m} per class" for m in sizes], seed,
                            spread=1.04)
    ax.set_xscale("log")
    ax.set_xticks(sizes)
    ax.set_xticklabels([str(m) for m in sizes])
    ax.minorticks_off()
    ax.set_xlabel("training images per class (log scale)")
    ax.set_ylabel(f"test accuracy\n(mean of {runs} runs, 95% interval)")
    ax.grid(alpha=0.3)
    _legend_below(ax)
    if title:
        ax.set_title(title, loc="left")
    fig.tight_layout()
    return described(fig, (
        f"Learning curve{f' {title!r}' if title else ''}: test accuracy (mean of {runs} runs, "
        f"with a 95% interval, the means a sign-flip test over the runs does not reject) "
        f"against training images per class, on "
        f"a log axis at " + ", ".join(str(s) for s in sizes)
        + f". One line per model: {'; '.join(lines)}."))


def plot_paired_differences(sizes: Sequence[int], comparisons: Mapping[str, Sequence],
                            adjusted_p: Mapping[str, Sequence[float]], *,
                            ylabel: str = "difference in test accuracy",
                            title: str | None = None) -> Figure:
    """Paired differences between two models against training size, with intervals and tests.

    A filled marker is a difference whose adjusted p-value is below 0.05;
    a hollow one, a difference the test could not tell from 0. A dashed
    line marks 0.

    Parameters
    ----------
    sizes : sequence of int
        Training examples per class, drawn on a logarithmic axis.
    comparisons : mapping of str to sequence of PairedRuns
        For each pair of models (the label), one
        :func:`course_utils.compare_paired_runs` result per size.
    adjusted_p : mapping of str to sequence of float
        The same pairs' p-values after the correction for multiplicity.
    ylabel : str
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    sizes = list(sizes)
    if not sizes or not isinstance(comparisons, Mapping) or not comparisons:
        raise ValueError("sizes must hold at least one size and comparisons at least one "
                         f"pair of models, got {sizes!r} and {comparisons!r}")
    from matplotlib.lines import Line2D

    fig, ax = plt.subplots(figsize=(9, 6.2))
    ax.axhline(0, color="black", lw=1.2, ls="--")
    lines = []
    for k, (name, results) in enumerate(comparisons.items()):
        results = list(results)
        p = list(adjusted_p.get(name, [])) if isinstance(adjusted_p, Mapping) else []
        if len(results) != len(sizes) or len(p) != len(sizes):
            raise ValueError(f"comparisons[{name!r}] and adjusted_p[{name!r}] must each have "
                             f"one entry per size ({len(sizes)}), got {len(results)} and "
                             f"{len(p)}")
        colour, marker = SERIES_COLOURS[k % len(SERIES_COLOURS)], MARKERS[k % len(MARKERS)]
        shown = np.array(sizes, dtype=float) * 1.04 ** (k - (len(comparisons) - 1) / 2)
        mean = np.array([r.difference for r in results])
        ax.errorbar(shown, mean, yerr=[mean - [r.low for r in results],
                                       [r.high for r in results] - mean],
                    color=colour, lw=2.5, capsize=5, ls=LINE_STYLES[k % len(LINE_STYLES)],
                    label=name)
        for x_, y_, q in zip(shown, mean, p):
            ax.plot(x_, y_, marker=marker, markersize=11, color=colour,
                    markerfacecolor=colour if q < 0.05 else "white", markeredgewidth=2.5)
        lines.append(f"{name} ({MARKER_NAMES[marker]}): " + ", ".join(
            f"{m} per class {r.difference:+.3f} [{r.low:+.3f}, {r.high:+.3f}], adjusted p "
            f"{q:.3g}{' (filled)' if q < 0.05 else ''}" for m, r, q in zip(sizes, results, p)))
    ax.set_xscale("log")
    ax.set_xticks(sizes)
    ax.set_xticklabels([str(m) for m in sizes])
    ax.minorticks_off()
    ax.set_xlabel("training images per class (log scale)")
    runs = results[0].runs
    ax.set_ylabel(f"{ylabel}\n(mean of {runs} runs, 95% interval)")
    ax.grid(alpha=0.3)
    handles, _ = ax.get_legend_handles_labels()
    handles += [Line2D([], [], marker="o", color="grey", ls="none", markersize=11,
                       markeredgewidth=2.5, label="filled: adjusted p < 0.05"),
                Line2D([], [], marker="o", color="grey", markerfacecolor="white", ls="none",
                       markersize=11, markeredgewidth=2.5, label="hollow: not found")]
    _legend_below(ax, handles)
    if title:
        ax.set_title(title, loc="left")
    fig.tight_layout()
    return described(fig, (
        f"Chart{f' {title!r}' if title else ''}: {ylabel} (mean of {runs} paired runs, with a "
        f"95% interval, the means a sign-flip test does not reject) against training images "
        f"per class, on a log axis at "
        + ", ".join(str(s) for s in sizes) + ", with a dashed line at 0; a filled marker "
        f"where the adjusted p-value is below 0.05, a hollow one elsewhere. "
        f"{'; '.join(lines)}."))


def plot_change_map(mean_face: np.ndarray, change: np.ndarray, *, kernel_size: int,
                    stride: int, title: str | None = None) -> Figure:
    """Where a locally connected layer changed most, over the mean face it was trained on.

    Left: the mean face. Right: the mean face in grey with the size of the
    change at each output position painted over the centre of its window.

    Parameters
    ----------
    mean_face : ndarray, shape (H, W)
        Values in [0, 1].
    change : ndarray, shape (H_out, W_out)
        The size of the change at each output position (e.g. the mean of
        :func:`course_utils.change_size_maps` over runs).
    kernel_size, stride : int
        The layer's (no padding), to place each position over its window.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from ..conv.geometry import conv_output_size

    mean_face = check_array(mean_face, "mean_face", ndim=2, axes="(H, W)")
    change = check_array(change, "change", ndim=2, axes="(H_out, W_out)")
    kernel_size = check_int(kernel_size, "kernel_size", minimum=1)
    stride = check_int(stride, "stride", minimum=1)
    expected = tuple(conv_output_size(n, kernel_size, stride=stride, strict=False)
                     for n in mean_face.shape)
    if change.shape != expected:
        raise ValueError(f"change must have one value per output position, shape {expected} "
                         f"for a {mean_face.shape[0]}x{mean_face.shape[1]} image, kernel "
                         f"{kernel_size} and stride {stride}; got {change.shape}")
    # each position's window centre, in pixels: the map's cells are painted there
    first, last = (kernel_size - 1) / 2, (kernel_size - 1) / 2 + stride * (np.array(expected) - 1)
    extent = (first - stride / 2, last[1] + stride / 2, last[0] + stride / 2, first - stride / 2)
    fig, axes = plt.subplots(1, 2, figsize=(10, 5.2))
    axes[0].imshow(mean_face, cmap="gray", vmin=0, vmax=1)
    axes[0].set_title("mean face", fontsize=15)
    axes[1].imshow(mean_face, cmap="gray", vmin=0, vmax=1)
    painted = axes[1].imshow(change, cmap="cividis", alpha=0.75, extent=extent,
                             interpolation="nearest")
    axes[1].set_title("size of the change (mean = 1)", fontsize=15)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        fig.suptitle(title, fontsize=17, x=0.01, ha="left")
    fig.tight_layout()
    fig.colorbar(painted, ax=list(axes), fraction=0.03, pad=0.02)

    def where(flat_index: int) -> str:
        i, j = np.unravel_index(flat_index, change.shape)
        return (f"row {i}, column {j} (window centred at pixel "
                f"{first + stride * i:g}, {first + stride * j:g})")

    order = np.argsort(change, axis=None, kind="stable")
    rows = change.mean(axis=1)
    return described(fig, (
        f"{title + ': ' if title else ''}two panels. Left, the mean face, a "
        f"{mean_face.shape[0]}x{mean_face.shape[1]} grey-level image. Right, the same face in "
        f"grey with a {change.shape[0]}x{change.shape[1]} map painted over it, one cell per "
        f"output position of a {kernel_size}x{kernel_size} window at stride {stride}, from dark "
        f"blue (small) to yellow (large), values {change.min():.2f} to {change.max():.2f}. "
        f"Largest: {change.flat[order[-1]]:.2f} at {where(order[-1])}; smallest: "
        f"{change.flat[order[0]]:.2f} at {where(order[0])}. Mean of each row of the map, top "
        f"to bottom: " + ", ".join(f"{value:.2f}" for value in rows) + "."))
