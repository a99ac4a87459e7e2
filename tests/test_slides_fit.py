"""Every slide of every deck fits the projector's 1280x720 frame, measured in Chromium.

Each deck is made by `make slides`' own code (tools/make_slides.make_deck)
into a temporary folder with a copy of slides/vendor, opened from the disk
with every other request refused (no network), left to settle (formulas
typeset, widget views drawn), and stepped through slide by slide and sub-slide
by sub-slide with reveal.js's API (tools/measure_slides.py).
A slide fails when its content is taller or wider than reveal.js's frame, or
hides text in a box that scrolls. The counts are printed ("282/282 slides
fit"); run with -s to see them.
"""

from __future__ import annotations

import shutil
import sys

import nbformat
import pytest
from browser_support import ROOT

sys.path.insert(0, str(ROOT / "tools"))

import make_slides  # noqa: E402
import measure_slides  # noqa: E402

from course_utils.course import NOTEBOOKS  # noqa: E402

NAMES = [nb.filename for nb in NOTEBOOKS]


@pytest.fixture(scope="module")
def slide_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("decks")
    shutil.copytree(ROOT / "slides" / "vendor", folder / "vendor")
    return folder


@pytest.fixture(scope="module")
def measured(open_decks):
    """Every deck's slides, measured: {notebook file name: [Slide, ...]}.

    The decks are `make slides`' own, open and settled (MathJax done, widget views
    drawn: tests/conftest.py's ``open_decks``), as a lecturer shows them.
    """
    return {name: measure_slides.measure_open_deck(open_decks[name].page) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_every_slide_of_the_deck_fits_the_frame(measured, name):
    slides = measured[name]
    print(f"\n{measure_slides.summary(name, slides)}")
    assert len(slides) >= 10, f"{name}: only {len(slides)} slides measured"
    misfits = [slide.problem() for slide in slides if not slide.fits]
    assert misfits == [], f"{name}: slides that do not fit:\n" + "\n".join(misfits)


def test_the_count_over_all_decks(measured):
    slides = [slide for name in NAMES for slide in measured[name]]
    fitting = sum(slide.fits for slide in slides)
    print(f"\n{fitting}/{len(slides)} slides fit")
    assert fitting == len(slides)


@pytest.mark.parametrize("name", NAMES)
def test_every_slide_has_speaker_notes_in_the_deck(measured, name):
    """The speaker view (S) shows the section's notes on every slide with more than a heading."""
    bare = [f"slide {s.h + 1}.{s.v + 1} \"{s.heading}\"" for s in measured[name] if not s.notes]
    assert bare == [], f"{name}: slides without speaker notes:\n" + "\n".join(bare)


def test_the_measurement_finds_a_slide_that_does_not_fit(browser, slide_folder):
    """A deck built to overflow (a long list, a wide unbreakable line) is reported, with sizes."""
    notebook = nbformat.v4.new_notebook()
    tall = "## A slide far too tall\n\n" + "\n".join(f"- item {i}" for i in range(60))
    wide = "## A slide far too wide\n\n<div style='width: 2000px'>wide</div>"
    fine = "## A slide that fits\n\nOne line."
    notebook.cells = [nbformat.v4.new_markdown_cell(source, metadata={
        "slideshow": {"slide_type": "slide"}}) for source in (fine, tall, wide)]
    path = slide_folder / "overflowing.ipynb"
    nbformat.write(notebook, path)
    slides = measure_slides.measure_deck(browser, make_slides.make_deck(path, slide_folder))
    assert [slide.heading for slide in slides] == [
        "A slide that fits", "A slide far too tall", "A slide far too wide"]
    fits, too_tall, too_wide = slides
    assert fits.fits and fits.taller_by == 0 and fits.wider_by == 0
    # 60 list items at the deck's 22 px prose are well over 1,000 px
    assert not too_tall.fits and too_tall.taller_by > 600, too_tall.problem()
    assert "px taller" in too_tall.problem() and "A slide far too tall" in too_tall.problem()
    assert not too_wide.fits and too_wide.wider_by > 900, too_wide.problem()
    assert "px wider" in too_wide.problem()
