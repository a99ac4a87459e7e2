"""Figures of notebook 05: where a model's parameters and work live, and how it does.

Like the other figure modules, every function draws from its parameters,
uses the Okabe-Ito colours and large fonts, and returns the ``Figure``.
Each figure carries a description written from the same parameters
(``fig.alt_text``); ``cu.show(fig)`` shows it as the image's alt text.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ..conv.grouped import channel_connections
from ..nn.summary import ModelSummary
from ..stats.results import confusion_matrix
from ..validation import check_groups, check_int
from .display import described
from .style import OKABE_ITO, text_colour_on

__all__ = [
    "plot_channel_connections",
    "plot_confusion_matrix",
    "plot_parameter_and_work_shares",
    "plot_parameters_vs_accuracy",
]

# --------------------------------------------------------------------------
# Parameters versus multiply-adds, layer by layer
# --------------------------------------------------------------------------


def plot_parameter_and_work_shares(
    summaries: Mapping[str, ModelSummary], *, title: str | None = None
) -> Figure:
    """For each model, each layer's share of the parameters next to its share of the multiply-adds.

    Layers with neither parameters nor multiply-adds (ReLU, pooling,
    flatten) are left out. Each bar is labelled with its percentage.

    Parameters
    ----------
    summaries : mapping of str to ModelSummary
        A title per model and its summary; one panel per model.
    title : str, optional
        Above all panels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(summaries, Mapping) or not summaries or not all(
            isinstance(s, ModelSummary) for s in summaries.values()):
        raise TypeError("summaries must be a dict mapping a name to a ModelSummary from "
                        f"cu.summarize, got {summaries!r:.80}")
    fig, axes = plt.subplots(1, len(summaries), figsize=(7.5 * len(summaries), 5.4),
                             squeeze=False)
    panels = []
    for ax, (name, summary) in zip(axes[0], summaries.items()):
        rows = [r for r in summary.rows if r.parameters or r.multiply_adds]
        y = np.arange(len(rows))
        params = [100 * r.parameters / summary.parameters for r in rows]
        work = [100 * r.multiply_adds / summary.multiply_adds for r in rows]
        height = 0.38
        ax.barh(y - height / 2, params, height, color=OKABE_ITO["orange"], edgecolor="black",
                label="parameters")
        ax.barh(y + height / 2, work, height, color=OKABE_ITO["blue"], edgecolor="black",
                hatch="//", label="multiply-adds")
        for offset, values in ((-height / 2, params), (height / 2, work)):
            for k, value in enumerate(values):
                label = f"{value:.1f}%" if value >= 0.05 or value == 0 else "<0.1%"
                ax.text(value + 1.5, k + offset, label, va="center", fontsize=14)
        ax.set_yticks(y, [r.layer.split(",")[0] for r in rows])
        panels.append(f"{name}: " + "; ".join(
            f"{r.layer.split(',')[0]} {p:.1f}% of the parameters, {w:.1f}% of the multiply-adds"
            for r, p, w in zip(rows, params, work)))
        ax.invert_yaxis()  # first layer at the top, as in the summary table
        ax.set_xlim(0, 118)  # room for the labels right of a 100% bar
        ax.set_xticks(range(0, 101, 20))
        ax.set_xlabel("share of the model's total (%)")
        ax.set_title(name, loc="left")
        ax.grid(axis="x", alpha=0.3)
    axes[0][0].legend(loc="lower right")
    if title:
        fig.suptitle(title, x=0.01, ha="left")
    fig.tight_layout()
    return described(fig, (
        f"{title + ': ' if title else ''}horizontal bars, one panel per model, each layer's "
        f"share of the parameters (orange, plain) next to its share of the multiply-adds "
        f"(blue, hatched). {'. '.join(panels)}."))


# --------------------------------------------------------------------------
# How the trained models did
# --------------------------------------------------------------------------


def plot_confusion_matrix(labels: np.ndarray, predicted: np.ndarray, *, classes: int = 10,
                          title: str | None = None) -> Figure:
    """A confusion matrix: how often each true class was predicted as each class.

    Every cell shows its count; the diagonal (right answers) is shaded by
    one colour scale and the mistakes by another, so that a handful of
    mistakes still stands out next to hundreds of right answers.

    Parameters
    ----------
    labels, predicted : ndarray of int, shape (N,)
        True and predicted classes, 0 to ``classes - 1``.
    classes : int
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    classes = check_int(classes, "classes", minimum=2)
    labels, predicted = np.asarray(labels), np.asarray(predicted)
    if labels.shape != predicted.shape or labels.ndim != 1:
        raise ValueError(f"labels and predicted must be 1-D and of the same length, got shapes "
                         f"{labels.shape} and {predicted.shape}")
    counts = confusion_matrix(labels, predicted, classes)
    diagonal = np.eye(classes, dtype=bool)
    fig, ax = plt.subplots(figsize=(9, 8))
    mistakes = np.where(diagonal | (counts == 0), np.nan, counts)  # no colour where none
    right = np.where(diagonal, counts, np.nan)
    ax.imshow(right, cmap="Blues", vmin=0, vmax=max(counts.max(), 1))
    # vmin below 0 keeps a single mistake a clear mid orange, visible on a projector
    worst = max(counts[~diagonal].max(), 1)
    ax.imshow(mistakes, cmap="Oranges", vmin=-0.6 * worst, vmax=1.2 * worst)
    for i in range(classes):
        for j in range(classes):
            if counts[i, j]:
                # white text on the darkest cells of either colour scale
                # black or white, whichever reads better on the cell's own colour
                cmap, low, high = (("Blues", 0, max(counts.max(), 1)) if diagonal[i, j]
                                   else ("Oranges", -0.6 * worst, 1.2 * worst))
                face = plt.get_cmap(cmap)((counts[i, j] - low) / (high - low))
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=14,
                        color=text_colour_on(face))
    ax.set_xticks(range(classes))
    ax.set_yticks(range(classes))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    if title:
        ax.set_title(title, loc="left")
    fig.tight_layout()
    right_answers = int(np.trace(counts))
    off = [(int(counts[i, j]), i, j) for i in range(classes) for j in range(classes)
           if i != j and counts[i, j]]
    off.sort(key=lambda t: (-t[0], t[1], t[2]))
    listed = ", ".join(f"{i} as {j}: {n}" for n, i, j in off[:5])
    return described(fig, (
        f"{title + ': ' if title else ''}a {classes}x{classes} confusion matrix, true class "
        f"down, predicted class across, every non-zero cell labelled with its count; right "
        f"answers (the diagonal, blue) {right_answers} of {int(counts.sum())}, mistakes "
        f"(orange) {int(counts.sum()) - right_answers}"
        + (f"; the most frequent mistakes: {listed}" if off else "") + "."))


def plot_parameters_vs_accuracy(
    names: Sequence[str], parameters: Sequence[int], accuracies: Sequence[float],
    intervals: Sequence[tuple[float, float]], *, title: str | None = None,
) -> Figure:
    """Test accuracy against parameter count (log scale), one labelled point per model.

    Parameters
    ----------
    names : sequence of str
    parameters : sequence of int
    accuracies : sequence of float
        Between 0 and 1.
    intervals : sequence of (float, float)
        A 95% interval for each accuracy, drawn as an error bar.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not (len(names) == len(parameters) == len(accuracies) == len(intervals)) or not names:
        raise ValueError("names, parameters, accuracies and intervals must have the same, "
                         "non-zero length")
    for name, value, (low, high) in zip(names, accuracies, intervals):
        if not low <= value <= high:
            raise ValueError(f"the interval of {name!r}, ({low}, {high}), must contain its "
                             f"accuracy {value}")
    colours = [OKABE_ITO[c] for c in ("blue", "orange", "green", "vermillion", "purple")]
    markers = ["o", "s", "D", "^", "v"]
    fig, ax = plt.subplots(figsize=(10, 5.6))
    for k, (name, count, value, (low, high)) in enumerate(
            zip(names, parameters, accuracies, intervals)):
        ax.errorbar(count, 100 * value, yerr=[[100 * (value - low)], [100 * (high - value)]],
                    fmt=markers[k % len(markers)], color=colours[k % len(colours)],
                    markersize=12, capsize=6, markeredgecolor="black", label=name)
        ax.annotate(f"{name}\n{count:,} parameters", (count, 100 * value), xytext=(14, -4),
                    textcoords="offset points", fontsize=14, va="top")
    ax.set_xscale("log")
    low = min(p for p in parameters) / 3
    ax.set_xlim(low, max(parameters) * 12)  # room for the labels right of the points
    ax.set_xlabel("parameters (log scale)")
    ax.set_ylabel("test accuracy (%)")
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title, loc="left")
    fig.tight_layout()
    points = "; ".join(
        f"{name}: {count:,} parameters, {100 * value:.1f}% (95% interval {100 * low:.1f}-"
        f"{100 * high:.1f}%)"
        for name, count, value, (low, high) in zip(names, parameters, accuracies, intervals))
    return described(fig, (
        f"{title + ': ' if title else ''}test accuracy against parameters on a log scale, one "
        f"labelled point with an error bar per model. {points}."))


# --------------------------------------------------------------------------
# Which input channels each filter sees
# --------------------------------------------------------------------------


def plot_channel_connections(
    in_channels: int, out_channels: int, groups: Sequence[int], *,
    titles: Sequence[str] | None = None,
) -> Figure:
    """Which input channels each output channel's filter reads, for several ``groups``.

    One panel per value of ``groups``: a grid with a row per output channel
    and a column per input channel, filled where the filter has weights.
    The filled share is ``1 / groups``: the share of the weights that are
    left.

    Parameters
    ----------
    in_channels, out_channels : int
        Keep them small (at most 32) so the cells stay visible.
    groups : sequence of int
        One panel each; each must divide both channel counts.
    titles : sequence of str, optional
        One per panel; by default ``groups = g``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    in_channels = check_int(in_channels, "in_channels", minimum=1)
    out_channels = check_int(out_channels, "out_channels", minimum=1)
    if max(in_channels, out_channels) > 32:
        raise ValueError("in_channels and out_channels must be at most 32 to stay readable")
    if not isinstance(groups, Sequence) or not groups:
        raise TypeError(f"groups must be a list of group counts, one per panel, e.g. [1, 2], "
                        f"got {groups!r}")
    groups = [check_groups(g, in_channels, out_channels) for g in groups]
    if titles is not None and len(titles) != len(groups):
        raise ValueError(f"titles must have one title per entry of groups ({len(groups)}), "
                         f"got {len(titles)}")
    fig, axes = plt.subplots(1, len(groups), figsize=(4.6 * len(groups), 5.2), squeeze=False)
    panels = []
    for k, (ax, g) in enumerate(zip(axes[0], groups)):
        connected = channel_connections(in_channels, out_channels, g)
        ax.imshow(connected, cmap="Blues", vmin=0, vmax=1.25, aspect="equal")
        ax.set_xticks(np.arange(-0.5, in_channels, 1), minor=True)
        ax.set_yticks(np.arange(-0.5, out_channels, 1), minor=True)
        ax.grid(which="minor", color="white", linewidth=1)
        ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
        ax.set_xlabel(f"{in_channels} input channels")
        ax.set_ylabel(f"{out_channels} filters")
        share = connected.mean()
        name = titles[k] if titles is not None else f"groups = {g}"
        ax.set_title(f"{name}\n{100 * share:.3g}% of the weights", fontsize=16)
        panels.append(f"{name}: {g} group{'s' if g > 1 else ''}, each filter reads "
                      f"{in_channels // g} of the {in_channels} input channels "
                      f"({100 * share:.3g}% of the weights)")
    fig.tight_layout()
    return described(fig, (
        f"{len(groups)} grids, one per setting, of {out_channels} filters (rows) by "
        f"{in_channels} input channels (columns), filled blue where a filter has weights. "
        + "; ".join(panels) + "."))
