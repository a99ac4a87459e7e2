"""Accessibility of the course's content, without a browser (the browser half is in test_browser).

- every figure in every committed notebook carries alt text, in each form a
  front end reads it from (HTML ``<img alt>``, the PNG's output metadata, text);
- the descriptions are true: each is checked against numbers worked out here
  independently of the code that draws the figure, for several settings;
- text on the figures' cells contrasts at least 4.5:1 (WCAG 2, level AA);
- each notebook has one H1, headings in order and link texts that say where they go;
- the explorers' state lines.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import course_utils as cu  # noqa: E402
from course_utils.viz import HOMES  # noqa: E402
from course_utils.viz.display import alt_text_of, described, figure_bundle  # noqa: E402
from course_utils.viz.style import TEXT_PAIRS, contrast_ratio, text_colour_on  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = [ROOT / "notebooks" / nb.filename for nb in cu.NOTEBOOKS]
IMG_ALT = re.compile(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="([^"]*)">')


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --------------------------------------------------------------------------
# Every figure of every committed notebook has its alt text
# --------------------------------------------------------------------------


def figure_outputs(path: Path):
    """(cell index, output) for every output that holds an image."""
    notebook = json.loads(path.read_text())
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            if any(kind.startswith("image/") for kind in output.get("data", {})):
                yield index, output


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_in_the_committed_notebook_has_alt_text(path):
    figures = list(figure_outputs(path))
    assert figures, f"{path.name} shows no figure"
    for index, output in figures:
        data, metadata = output["data"], output.get("metadata", {})
        where = f"{path.name}, cell {index}"
        assert set(data) == {"image/png", "text/html", "text/plain"}, (
            f"{where}: a figure shown without cu.show(), so without alt text: {sorted(data)}")
        alt = metadata.get("image/png", {}).get("alt", "")
        assert len(alt) >= 40, f"{where}: no description in the PNG's metadata: {alt!r}"
        found = IMG_ALT.fullmatch("".join(data["text/html"]))
        assert found, f"{where}: the HTML is not one <img> with alt text"
        assert html.unescape(found.group(1)) == alt, f"{where}: the HTML alt differs"
        assert "".join(data["text/plain"]) == alt, f"{where}: the text form differs"
    # a figure drawn but never shown through cu.show() would leave matplotlib's repr
    text = path.read_text()
    assert "<Figure size" not in text, f"{path.name}: a figure shown without its description"


def test_the_bundle_escapes_the_description_and_keeps_the_png():
    fig = described(plt.figure(figsize=(1, 1)), 'a "quoted" <grid> & more')
    data, metadata = figure_bundle(fig, png=b"\x89PNG")
    assert data["text/html"] == (
        '<img src="data:image/png;base64,iVBORw==" '
        'alt="a &quot;quoted&quot; &lt;grid&gt; &amp; more">')
    assert metadata == {"image/png": {"alt": 'a "quoted" <grid> & more'}}
    assert data["text/plain"] == 'a "quoted" <grid> & more'


def test_a_figure_without_a_description_is_refused():
    with pytest.raises(ValueError, match="no description"):
        alt_text_of(plt.figure())
    with pytest.raises(ValueError, match="non-empty"):
        described(plt.figure(), "  ")


# --------------------------------------------------------------------------
# Every figure function describes what it drew
# --------------------------------------------------------------------------

SUMMARY = cu.summarize([cu.ConvSpec(4, 3, padding=1), cu.ReLUSpec(), cu.FlattenSpec(),
                        cu.DenseSpec(10)], (1, 6, 6))
SAMPLE_CALLS = {
    "plot_coverage_grid": lambda: cu.plot_coverage_grid(5, 3),
    "plot_layer_sizes": lambda: cu.plot_layer_sizes({"valid": [8, 6, 4]}),
    "plot_receptive_field": lambda: cu.plot_receptive_field([(3, 1)] * 2, 9),
    "plot_window_positions": lambda: cu.plot_window_positions(7, 3),
    "plot_conv_step": lambda: cu.plot_conv_step(cu.grid_5x5(), cu.vertical_edge_kernel(), 0),
    "plot_grid": lambda: cu.plot_grid(cu.grid_5x5()),
    "plot_grid_row": lambda: cu.plot_grid_row([cu.grid_5x5()], ["grid"]),
    "plot_channels_to_maps": lambda: cu.plot_channels_to_maps(
        cu.rgb_like_grid(seed=0), np.ones((2, 3, 3, 3))),
    "plot_depth_slices": lambda: cu.plot_depth_slices(),
    "plot_gradient_sum": lambda: cu.plot_gradient_sum(np.ones((2, 2, 3, 3)), 4 * np.ones((3, 3))),
    "plot_parameter_counts": lambda: cu.plot_parameter_counts({"conv": 34_944}),
    "plot_shift_maps": lambda: cu.plot_shift_maps([np.eye(4)], ["eye"]),
    "plot_accuracy_by_shift": lambda: cu.plot_accuracy_by_shift(
        [0, 1], {"conv": np.array([[0.9, 0.8], [0.7, 0.6]])}),
    "plot_filters": lambda: cu.plot_filters({"f": np.eye(3)}),
    "plot_image_grid": lambda: cu.plot_image_grid(np.zeros((3, 4, 4)), columns=2),
    "plot_region_histograms": lambda: cu.plot_region_histograms({"eye": np.full(4, 0.25)}),
    "plot_regions": lambda: cu.plot_regions(np.zeros((10, 10)), {"eye": (1, 2, 3, 4)}),
    "plot_channel_connections": lambda: cu.plot_channel_connections(4, 4, [1, 2]),
    "plot_confusion_matrix": lambda: cu.plot_confusion_matrix(
        np.array([0, 1, 1, 2]), np.array([0, 1, 2, 2]), classes=3),
    "plot_parameter_and_work_shares": lambda: cu.plot_parameter_and_work_shares({"m": SUMMARY}),
    "plot_parameters_vs_accuracy": lambda: cu.plot_parameters_vs_accuracy(
        ["conv"], [1000], [0.9], [(0.85, 0.95)]),
    "plot_conventions": lambda: cu.plot_conventions(10, 3, 2),
    "plot_learning_curve": lambda: cu.plot_learning_curve(
        [5, 10], {"conv": np.array([[0.8, 0.9, 0.85], [0.9, 0.95, 0.92]])}),
    "plot_paired_differences": lambda: cu.plot_paired_differences(
        [5], {"pair": [cu.compare_paired_runs([0.9, 0.8], [0.8, 0.8])]}, {"pair": [0.5]}),
    "plot_change_map": lambda: cu.plot_change_map(np.zeros((9, 9)), np.ones((4, 4)),
                                                  kernel_size=3, stride=2),
}


@pytest.mark.parametrize("size, kernel, stride, padding", [(10, 3, 2, 0), (10, 3, 2, 1),
                                                           (7, 3, 1, 1), (224, 11, 4, 0)])
def test_the_conventions_strip_says_each_conventions_count(size, kernel, stride, padding):
    text = alt_text_of(cu.plot_conventions(size, kernel, stride, padding))
    for convention in ("pytorch", "pytorch_ceil", "keras_valid", "keras_same", "cs231n"):
        label = convention.replace("_", " ")
        # Keras takes its padding from the name, so its rows are drawn with padding 0
        cells = 0 if convention.startswith("keras") else padding
        try:
            count = cu.framework_output_size(size, kernel, stride, cells, convention=convention)
        except ValueError:  # cs231n's strict rule: the windows do not tile the input
            assert f"{label}: invalid" in text, text
            continue
        assert f"{label}: {count} outputs" in text, text


def test_the_learning_curve_says_every_mean_and_interval():
    runs = np.array([[0.80, 0.90, 0.85, 0.95, 0.75], [0.90, 0.95, 0.92, 0.97, 0.88]])
    text = alt_text_of(cu.plot_learning_curve([5, 40], {"locally connected": runs}))
    for size, row in zip([5, 40], runs):
        mean, low, high = cu.mean_interval(row)  # the bars are the notebook's intervals
        assert f"{size} per class {mean:.3f} [{low:.3f}, {high:.3f}]" in text, text
    assert "mean of 5 runs, with a 95% interval, the means a sign-flip test" in text
    assert "locally connected" in text


def test_the_paired_differences_say_which_were_found():
    result = cu.compare_paired_runs([0.9, 0.95, 1.0, 0.9], [0.8, 0.85, 0.9, 0.8])
    text = alt_text_of(cu.plot_paired_differences([5, 40], {"pair": [result, result]},
                                                  {"pair": [0.01, 0.2]}))
    assert "5 per class +0.100 [+0.100, +0.100], adjusted p 0.01 (filled)" in text, text
    assert "40 per class +0.100 [+0.100, +0.100], adjusted p 0.2." in text, text


def test_the_change_map_says_where_it_is_largest():
    change = np.ones((12, 12))
    change[0, 6] = 3.0
    text = alt_text_of(cu.plot_change_map(np.zeros((25, 25)), change, kernel_size=3, stride=2))
    assert "Largest: 3.00 at row 0, column 6 (window centred at pixel 1, 13)" in text
    assert "a 3x3 window at stride 2" in text


def test_every_figure_function_is_sampled_here():
    assert set(SAMPLE_CALLS) == {name for name in HOMES if name.startswith("plot_")}


@pytest.mark.parametrize("name", sorted(SAMPLE_CALLS))
def test_every_figure_function_attaches_a_description(name):
    text = alt_text_of(SAMPLE_CALLS[name]())
    assert len(text) >= 40 and text.endswith(".") and "\n" not in text, text


def cells_read(position, size, kernel, padding, stride, dilation):
    """Input cells (0-based, unpadded) under window ``position``, and how many are padding."""
    taps = [position * stride - padding + t * dilation for t in range(kernel)]
    inside = [t for t in taps if 0 <= t < size]
    return inside, len(taps) - len(inside)


def as_range(cells):
    if len(cells) > 2 and cells == list(range(cells[0], cells[-1] + 1)):
        return f"{cells[0]}-{cells[-1]}"
    return ", ".join(map(str, cells))


@pytest.mark.parametrize("size, kernel, padding, stride, dilation", [
    (5, 3, 0, 1, 1), (5, 3, 1, 1, 1), (7, 3, 0, 2, 1), (10, 3, 0, 2, 1), (5, 3, 1, 1, 2),
    (6, 2, 0, 3, 1), (9, 4, 2, 3, 1), (12, 3, 0, 5, 1),
])
def test_window_positions_are_described_as_drawn(size, kernel, padding, stride, dilation):
    text = alt_text_of(cu.plot_window_positions(size, kernel, padding, stride, dilation))
    room = size + 2 * padding - dilation * (kernel - 1) - 1
    positions = room // stride + 1
    assert f"takes {positions} position" in text
    assert f"strip of {size} input cell" in text
    assert (f"with {padding} hatched zero-padding cell" in text) == (padding > 0)
    shown = range(positions) if positions <= 4 else [0, 1, positions - 1]
    for p in shown:
        inside, pads = cells_read(p, size, kernel, padding, stride, dilation)
        expected = f"out[{p}] reads cells {as_range(inside)}"
        if pads:
            expected += f" and {pads} padding cell"
        assert expected in text, (expected, text)
    read = {c for p in range(positions)
            for c in cells_read(p, size, kernel, padding, stride, dilation)[0]}
    # cells past the last window (a gap inside a dilated window is read by the next one)
    never = [c for c in range(size) if c not in read and c > max(read)]
    assert ("never read" in text) == bool(never)
    if never:
        assert f"{as_range(never)} {'are' if len(never) > 1 else 'is'} never read" in text
    leftover = room % stride
    assert (f"{leftover} cell" in text and "left over" in text) == (leftover > 0)


@pytest.mark.parametrize("size, kernel, padding, stride", [(5, 3, 0, 1), (5, 3, 1, 1),
                                                           (6, 3, 0, 2), (4, 2, 1, 2)])
def test_coverage_counts_are_described_as_drawn(size, kernel, padding, stride):
    text = alt_text_of(cu.plot_coverage_grid(size, kernel, padding, stride))
    n = size + 2 * padding
    counts = np.zeros((n, n), dtype=int)
    out = (n - kernel) // stride + 1
    for i in range(out):
        for j in range(out):
            counts[i * stride:i * stride + kernel, j * stride:j * stride + kernel] += 1
    rows = "; ".join(" ".join(str(v) for v in row) for row in counts)
    assert f"counts row by row: {rows}." in text
    # the windows are kernel-sized; there are as many as the output has cells (issue 30)
    assert f"of the {out * out} windows of {kernel}x{kernel} (a {out}x{out} grid of " \
           f"positions, stride {stride})" in text
    assert f"A {size}x{size} input" in text


@pytest.mark.parametrize("step, padding, stride", [(0, 0, 1), (1, 1, 1), (8, 0, 1),
                                                    (4, 1, 2), (24, 1, 1), (3, 2, 2)])
def test_a_convolution_step_is_described_as_drawn(step, padding, stride):
    grid, kernel = cu.grid_5x5(), cu.vertical_edge_kernel()
    text = alt_text_of(cu.plot_conv_step(grid, kernel, step, padding=padding, stride=stride))
    padded = np.pad(grid, padding)
    out = (5 + 2 * padding - 3) // stride + 1
    i, j = divmod(step, out)
    value = int((padded[i * stride:i * stride + 3, j * stride:j * stride + 3] * kernel).sum())
    assert f"Step {step + 1} of {out * out}, stride {stride}" in text
    assert (f"the 3x3 window covers rows {i * stride}-{i * stride + 2}, "
            f"columns {j * stride}-{j * stride + 2}") in text
    assert f"output cell ({i}, {j}) = {value}" in text
    rings = {0: None, 1: "one ring", 2: "2 rings"}[padding]
    assert (f"inside {rings} of zero padding" in text) if rings else "padding (grey" not in text
    # the explorer's state line says the same
    state = cu.explorer_state(grid, kernel, step, padding, stride, "zeros")
    assert state in text.replace("Input, kernel and output side by side. ", "").split(" (out[")[0] + "."


def test_a_grid_figure_lists_its_values_with_the_padding():
    grid = cu.grid_5x5()
    text = alt_text_of(cu.plot_grid(grid, padding=1, window=(0, 1)))
    rows = "; ".join(" ".join(str(v) for v in row) for row in np.pad(grid, 1))
    assert f"with the padding: {rows}." in text
    assert "5x5 grid inside one ring of zero padding" in text
    assert "the 3x3 window covers rows 0-2, columns 1-3 of the padded grid" in text


def test_counts_bars_and_matrices_are_described_with_their_numbers():
    text = alt_text_of(cu.plot_parameter_counts({"shared": 34_944, "unshared": 105_705_600}))
    assert "shared: 34,944 parameters, 140 KB" in text
    assert "unshared: 105,705,600 parameters, 423 MB" in text
    labels = np.array([0, 0, 1, 1, 1, 2])
    predicted = np.array([0, 1, 1, 1, 2, 2])
    text = alt_text_of(cu.plot_confusion_matrix(labels, predicted, classes=3))
    assert "right answers (the diagonal, blue) 4 of 6, mistakes (orange) 2" in text
    assert "0 as 1: 1" in text and "1 as 2: 1" in text
    text = alt_text_of(cu.plot_depth_slices(output_size=55, filters=96, kernel_size=11))
    assert "34,944 parameters" in text and "105,705,600 parameters" in text


def test_receptive_fields_are_described_as_drawn():
    for layers, size, field in (([(3, 1)] * 3, 11, 7), ([(3, 1, 1), (3, 1, 2), (3, 1, 4)], 17, 15),
                                ([(3, 2), (3, 2)], 15, 7)):
        text = alt_text_of(cu.plot_receptive_field(layers, size))
        assert f"a field of {field} cells" in text
        assert f"through {len(layers)} layers" in text


# --------------------------------------------------------------------------
# Contrast: WCAG 2's formula over the style's colour pairs
# --------------------------------------------------------------------------


def test_the_contrast_formula_gives_wcag_reference_values():
    assert contrast_ratio("black", "white") == pytest.approx(21.0)
    assert contrast_ratio("white", "white") == pytest.approx(1.0)
    assert contrast_ratio("#777777", "white") == pytest.approx(4.48, abs=0.01)  # just fails AA
    assert contrast_ratio("#767676", "white") == pytest.approx(4.54, abs=0.01)  # just passes


@pytest.mark.parametrize("pair", sorted(TEXT_PAIRS))
def test_text_on_figure_cells_contrasts_at_least_4_5_to_1(pair):
    text, background = TEXT_PAIRS[pair]
    assert contrast_ratio(text, background) >= 4.5, (pair, contrast_ratio(text, background))


def test_the_old_grey_digits_on_padding_would_fail_and_automatic_text_always_passes():
    from course_utils.viz.style import PADDING_COLOUR

    # before: 0.35 grey was written on padding in the figures, with anti-aliasing below AA
    assert contrast_ratio("#595959", PADDING_COLOUR) < contrast_ratio(
        TEXT_PAIRS["number on a padding cell"][0], PADDING_COLOUR)
    for shade in np.linspace(0, 1, 41):
        for cmap in ("Blues", "Oranges", "gray"):
            face = plt.get_cmap(cmap)(shade)
            assert contrast_ratio(text_colour_on(face), face) >= 4.5


def test_the_explorer_writes_padding_digits_in_the_checked_colour():
    from course_utils.viz.style import PADDING_TEXT_COLOUR

    frame = cu.explorer_frame_html(cu.grid_5x5(), cu.vertical_edge_kernel(), 12, 1, 1, "zeros")
    assert f"color:{PADDING_TEXT_COLOUR}" in frame and "#595959;" not in frame.replace(
        "border:1px solid #595959", "")


# --------------------------------------------------------------------------
# Headings and links (Notebooks for All)
# --------------------------------------------------------------------------

LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)\)")
VAGUE = {"here", "click here", "this", "link", "this link", "more", "read more", "see here"}


def markdown_cells(path: Path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]
            if c["cell_type"] == "markdown"]


def headings(text: str) -> list[int]:
    levels, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        match = re.match(r"(#{1,6}) \S", line)
        if match and not fenced:
            levels.append(len(match.group(1)))
    return levels


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_one_h1_and_headings_in_order(path):
    levels = [level for text in markdown_cells(path) for level in headings(text)]
    assert levels.count(1) == 1 and levels[0] == 1, f"{path.name}: {levels}"
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, f"{path.name}: a heading jumps from H{before} to H{after}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_link_texts_say_where_they_go(path):
    links = [link for text in markdown_cells(path) for link in LINK.findall(text)]
    assert links
    for text, target in links:
        words = re.sub(r"[*_`←→⌂:]", " ", text).strip().lower()
        assert len(words) >= 4 and words not in VAGUE, f"{path.name}: link text {text!r}"
        assert not re.fullmatch(r"https?://\S+", words), f"{path.name}: a bare URL as text"
        if target.endswith(".ipynb"):
            # a link to a notebook names it: its number is in the text
            assert Path(target).name[:2] in text, f"{path.name}: {text!r} -> {target}"


# --------------------------------------------------------------------------
# The explorers' state lines
# --------------------------------------------------------------------------


@pytest.mark.parametrize("settings, expected", [
    ((10, 3, 0, 2, 1), "W=10, K=3, P=0, S=2, D=1: 4 window positions; 1 cell left over, "
                       "input cell 9 never read."),
    ((5, 3, 1, 1, 1), "W=5, K=3, P=1, S=1, D=1: 5 window positions; they fit exactly."),
    ((7, 3, 0, 2, 1), "W=7, K=3, P=0, S=2, D=1: 3 window positions; they fit exactly."),
    ((12, 3, 0, 5, 1), "W=12, K=3, P=0, S=5, D=1: 2 window positions; 4 cells left over, "
                       "input cells 8, 9, 10, 11 never read."),
])
def test_the_conv_explorer_states_its_settings_and_result(settings, expected):
    assert cu.conv_arithmetic_state(*settings) == expected


def test_the_conv_explorer_states_a_setting_with_no_output_instead_of_raising():
    state = cu.conv_arithmetic_state(2, 5)
    assert state.startswith("W=2, K=5, P=0, S=1, D=1: no output.") and "kernel_size=5" in state


def test_the_window_explorer_states_a_setting_it_cannot_draw():
    state = cu.explorer_state(np.ones((2, 2)), np.ones((3, 3)), 0, 2, 1, "reflect")
    assert state.startswith("No frame:")


def test_the_state_lines_are_polite_live_regions():
    from course_utils.viz import conv_explorer, window_explorer

    for template in (conv_explorer.STATUS_HTML, window_explorer.STATUS_HTML):
        assert "role='status'" in template and "aria-live='polite'" in template
