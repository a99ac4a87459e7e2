"""`make handouts`: one PDF per notebook, printed from its deck, read back with pypdf.

The handouts are printed once per run (a module fixture: five decks in a
few tens of seconds), offline like the decks. Each PDF is then checked
against counts read from the notebook, not from the deck or the PDF code:
every slide (one per ``slide``/``subslide`` cell) starts a page and carries
its number, in order; each slide with speaker notes has a notes page; and
the PDF holds one image per figure the deck shows.

The figures must also read in black and white (a handout is often printed
on a grey-scale printer): the categories a course figure tells apart by
colour must differ clearly in grey, or be hatched, outlined or labelled too.

Without Chromium the printing tests skip, saying why; with
COURSE_REQUIRE_BROWSER=1 (as in CI) they fail instead.
"""

from __future__ import annotations

import itertools
import re
import sys
import unicodedata

import numpy as np
import pytest
from browser_support import ROOT
from deck_facts import deck_notebook, figure_count, make_decks, notes_texts, slide_pages

import course_utils as cu
from course_utils import NOTEBOOKS
from course_utils.viz import style

sys.path.insert(0, str(ROOT / "tools"))
import make_handouts  # noqa: E402

NAMES = [nb.filename for nb in NOTEBOOKS]
#: CSS pixels per PDF point (Chromium prints 96 px to 72 pt).
PX_PER_PT = 96 / 72


@pytest.fixture(scope="module")
def handouts(tmp_path_factory, browser):
    """Every notebook's handout, printed by `make handouts`' own code, keyed by notebook."""
    folder = tmp_path_factory.mktemp("handouts")
    pdfs = make_handouts.make_handouts([ROOT / "notebooks" / name for name in NAMES], folder,
                                       browser)
    return dict(zip(NAMES, pdfs))


def printed_slide_numbers(reader) -> list[tuple[int, int]]:
    """``(page index, number)`` of each slide number printed in a page's bottom-right corner.

    reveal.js prints it in the corner of a slide's (last) page, in the deck's font; what
    else is written there is code (monospace) that runs to the slide's right edge.
    """
    found = []
    for index, page in enumerate(reader.pages):
        width_px = float(page.mediabox.width) * PX_PER_PT
        height_px = float(page.mediabox.height) * PX_PER_PT
        corner = []

        def visit(text, cm, tm, font, size, corner=corner):
            # Chromium writes text in CSS pixels, y down from the top of the first page
            x, y = tm[4], tm[5] % height_px
            monospace = font is not None and "Mono" in str(font.get("/BaseFont", ""))
            if (re.fullmatch(r"\d+", text.strip()) and x > 0.95 * width_px
                    and y > 0.95 * height_px and not monospace):
                corner.append(int(text.strip()))

        page.extract_text(visitor_text=visit)
        found += [(index, number) for number in corner]
    return found


def image_objects(reader) -> set[int]:
    """The PDF objects of every image drawn on any page (an image drawn twice counts once)."""
    images = set()
    for page in reader.pages:
        objects = page.get("/Resources", {}).get("/XObject", {})
        for reference in objects.values():
            if reference.get_object().get("/Subtype") == "/Image":
                images.add(reference.idnum)
    return images


@pytest.mark.parametrize("name", NAMES)
def test_every_slide_starts_a_page_with_its_number_and_its_notes_follow(handouts, name):
    from pypdf import PdfReader

    notebook = deck_notebook(ROOT / "notebooks" / name, notes_on_sub_slides=False)
    pages = slide_pages(notebook)
    reader = PdfReader(handouts[name])
    numbers = printed_slide_numbers(reader)
    assert [number for _, number in numbers] == list(range(1, len(pages) + 1)), numbers
    with_notes = sum(pages)
    # every slide fits its frame (tests/test_slides_fit.py), so none runs on to a second
    # page: exactly one page per slide, and one more for each slide's notes
    print(f"{name}: {len(reader.pages)} pages, {len(pages)} slides, {with_notes} with notes")
    assert len(reader.pages) == len(pages) + with_notes, "a slide ran on to a second page"
    # NFKC: the PDF's font sets "fi" as one ligature glyph, which pypdf reads back as "ﬁ"
    texts = [" ".join(unicodedata.normalize("NFKC", page.extract_text()).split())
             for page in reader.pages]
    # reveal.js heads each notes page "Speaker notes" (printed last in the text)
    assert sum(text.endswith("Speaker notes") for text in texts) == with_notes
    assert texts[-1] != "", "a blank last page"
    # every notes cell is printed: its first words, letters and digits only (the
    # Markdown marks are not printed)
    printed = " ".join(re.findall(r"\w+", " ".join(texts).lower()))
    for notes in notes_texts(notebook):
        first_words = " ".join(re.findall(r"\w+", notes.lower())[:6])
        assert first_words in printed, notes


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_of_the_deck_is_in_the_handout(handouts, name):
    from pypdf import PdfReader

    expected = figure_count(deck_notebook(ROOT / "notebooks" / name))
    assert expected >= 1
    assert len(image_objects(PdfReader(handouts[name]))) == expected


def test_a_deck_that_would_fetch_from_the_network_is_refused(tmp_path, browser):
    name = "03_parameter_sharing.ipynb"
    deck = make_decks(tmp_path, [ROOT / "notebooks" / name])[name]
    deck.write_text(deck.read_text().replace(
        "</body>", '<img src="https://example.org/figure.png" alt="from the network"></body>'))
    with pytest.raises(make_handouts.NetworkRequest, match="example.org/figure.png"):
        make_handouts.print_deck(browser, deck, tmp_path / "handout.pdf")
    assert not (tmp_path / "handout.pdf").exists()


def test_make_handouts_writes_into_the_ignored_handouts_folder():
    assert make_handouts.HANDOUTS == ROOT / "handouts"
    assert "handouts/" in (ROOT / ".gitignore").read_text().splitlines()


# --------------------------------------------------------------------------
# Black and white: the figures' categories, as a grey-scale printer prints them
# --------------------------------------------------------------------------

#: Two greys a reader tells apart on paper: a luminance contrast of at least 1.5:1
#: (WCAG asks 3:1 of a graphic against its background; neighbouring fills need less).
DISTINCT_GREYS = 1.5


def grey_contrast(first, second) -> float:
    """The contrast of two colours once printed in grey: grey keeps only the luminance."""
    return style.contrast_ratio(first, second)


def fill_categories(axes) -> dict[str, dict]:
    """The filled cells and bars of one axes, by fill colour: their hatches, boxes and labels."""
    from matplotlib.colors import to_hex
    from matplotlib.patches import Rectangle

    categories: dict[str, dict] = {}
    texts = [text.get_position() for text in axes.texts if text.get_text().strip()]
    for patch in axes.patches:
        if not isinstance(patch, Rectangle) or not patch.get_fill() or patch.get_alpha() == 0:
            continue
        colour = to_hex(patch.get_facecolor())
        entry = categories.setdefault(colour, {"hatches": set(), "boxes": [], "labelled": 0})
        entry["hatches"].add(patch.get_hatch() or "")
        x, y, w, h = patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height()
        entry["boxes"].append((x, y, x + w, y + h))
        entry["labelled"] += any(x <= tx <= x + w and y <= ty <= y + h for tx, ty in texts)
    return categories


def outlines(axes) -> list[tuple[float, float, float, float]]:
    """The unfilled frames of one axes (the grid's outline, the window's frame)."""
    from matplotlib.patches import Rectangle

    return [(p.get_x(), p.get_y(), p.get_x() + p.get_width(), p.get_y() + p.get_height())
            for p in axes.patches if isinstance(p, Rectangle) and not p.get_fill()
            and p.get_linewidth() >= 2]


def outlined(category: dict, frames) -> bool:
    """Is a frame drawn exactly around all of the category's cells (the grid's outline
    around the real cells, the window's frame around the cells it covers)?"""
    boxes = np.array(category["boxes"])
    around = (boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max())
    return any(np.allclose(around, frame) for frame in frames)


def told_apart_in_grey(figure) -> list[str]:
    """Every pair of fill categories of the figure that grey alone would merge and nothing
    else (hatch, frame, numbers on one and not the other) tells apart."""
    problems = []
    for axes in figure.axes:
        categories, frames = fill_categories(axes), outlines(axes)
        for (first, a), (second, b) in itertools.combinations(categories.items(), 2):
            if grey_contrast(first, second) >= DISTINCT_GREYS:
                continue
            hatched = a["hatches"] != b["hatches"]
            framed = outlined(a, frames) or outlined(b, frames)
            labelled = (a["labelled"] == len(a["boxes"])) != (b["labelled"] == len(b["boxes"]))
            if not (hatched or framed or labelled):
                problems.append(f"{axes.get_title() or 'axes'}: {first} and {second} "
                                f"(grey contrast {grey_contrast(first, second):.2f})")
    return problems


#: The course's figures that tell categories apart by fill (cells, padding, windows,
#: cells never read), made as notebooks 01 and 02 make them.
GRID = np.arange(25).reshape(5, 5) % 3
KERNEL = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])
CATEGORY_FIGURES = {
    "strip, padding 1": lambda: cu.plot_window_positions(5, 3, padding=1),
    "strip, stride 2, a cell never read": lambda: cu.plot_window_positions(10, 3, stride=2),
    "conventions": lambda: cu.plot_conventions(10, 3, 2),
    "grid, padding 2, first window": lambda: cu.plot_grid(GRID, padding=2, window=(0, 0)),
    "a step, padded": lambda: cu.plot_conv_step(GRID, KERNEL, 0, padding=1, show_all=True),
    "a step, not all shown": lambda: cu.plot_conv_step(GRID, KERNEL, 4),
}


@pytest.mark.parametrize("figure_name", list(CATEGORY_FIGURES))
def test_figure_categories_are_told_apart_in_black_and_white(figure_name):
    import matplotlib.pyplot as plt

    figure = CATEGORY_FIGURES[figure_name]()
    try:
        assert fill_categories(figure.axes[0]), "the check found no filled cells"
        assert told_apart_in_grey(figure) == []
    finally:
        plt.close(figure)


def test_the_grey_check_catches_two_fills_of_the_same_grey():
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    figure, axes = plt.subplots()
    try:
        # the input's light blue and the padding's grey: the same grey on paper
        axes.add_patch(Rectangle((0, 0), 1, 1, facecolor=style.INPUT_COLOUR))
        axes.add_patch(Rectangle((1, 0), 1, 1, facecolor=style.PADDING_COLOUR))
        assert len(told_apart_in_grey(figure)) == 1
        axes.patches[1].set_hatch("//")  # as the strips draw padding
        assert told_apart_in_grey(figure) == []
    finally:
        plt.close(figure)


def test_lines_in_series_colours_are_told_apart_by_their_markers_too():
    # Several series colours print as nearly the same grey (orange and sky blue: 1.03:1),
    # so a line figure gives each series its own marker: a grey-scale print keeps it.
    import matplotlib.pyplot as plt

    close = [(a, b) for a, b in itertools.combinations(style.SERIES_COLOURS, 2)
             if grey_contrast(a, b) < DISTINCT_GREYS]
    assert close, "every pair of series colours differs in grey: this test can go"
    sizes = {"no padding": [32, 30, 28, 26], "padding 1": [32, 32, 32, 32],
             "padding 2": [32, 34, 36, 38], "stride 2": [32, 16, 8, 4]}
    figure = cu.plot_layer_sizes(sizes)
    try:
        lines = [line for line in figure.axes[0].get_lines() if len(line.get_xdata()) > 1]
        assert len(lines) == len(sizes)
        assert len({line.get_marker() for line in lines}) == len(sizes)
    finally:
        plt.close(figure)


def test_a_slide_with_notes_is_followed_by_its_notes_page(tmp_path, browser):
    # A small deck whose slides all fit: exactly one page per slide, one per slide's notes.
    import nbformat
    from pypdf import PdfReader

    def cell(text, kind):
        return nbformat.v4.new_markdown_cell(text, metadata={"slideshow": {"slide_type": kind}})

    notebook = nbformat.v4.new_notebook(cells=[
        cell("# A title", "slide"),
        cell("Say: welcome the class; ask who has met a convolution.", "notes"),
        cell("## Second slide", "subslide"),
        cell("A short line.", "fragment"),
        cell("## Third slide", "slide"),
        cell("Ask: what is 7 - 3 + 1? (2 minutes)", "notes"),
        cell("Drive: run the explorer live.", "notes"),
    ])
    path = tmp_path / "09_small.ipynb"
    nbformat.write(notebook, path)
    assert slide_pages(notebook) == [True, False, True]
    (pdf,) = make_handouts.make_handouts([path], tmp_path / "out", browser)
    reader = PdfReader(pdf)
    # the theme writes headings in capitals
    texts = [" ".join(page.extract_text().split()).lower() for page in reader.pages]
    assert len(reader.pages) == 3 + 2, texts
    assert [number for _, number in printed_slide_numbers(reader)] == [1, 2, 3]
    assert "welcome the class" in texts[1] and "a title" not in texts[1]
    assert "second slide" in texts[2] and "a short line." in texts[2]  # fragments shown
    assert "7 - 3 + 1" in texts[4] and "run the explorer live" in texts[4]
