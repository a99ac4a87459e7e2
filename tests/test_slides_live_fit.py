"""Every slide of the live presentation (jupyterlab-rise) fits a 1280x720 window, in Chromium.

One real JupyterLab server (tests/browser_support.LabServer: the course's own
command line and its installed lab-settings, which give RISE the style sheet
that makes slides fit) serves a copy of the repository; each notebook is
opened at its RISE address in Debian's Chromium at 1280x720 and stepped
through with Space, as a presenter does, slide, sub-slide and fragment
(tools/measure_slides.measure_live); at the end the left arrow must move
back, and the page must raise no JavaScript error. A slide fails when its content is
taller or wider than the window: in RISE the slide is the window, and what
lies beyond it is never seen. The counts are printed ("219/219 live slides
fit"); run with -s to see them.

The notebooks are not run: RISE shows each cell with its saved outputs, as a
lecturer opening the notebook sees them before running anything.
"""

from __future__ import annotations

import json
import sys
import urllib.request

import pytest
from browser_support import ROOT

sys.path.insert(0, str(ROOT / "tools"))

import measure_slides  # noqa: E402

from course_utils.course import NOTEBOOKS  # noqa: E402

NAMES = [nb.filename for nb in NOTEBOOKS]


@pytest.fixture(scope="module")
def measured(lab, browser):
    """Every notebook's live slides, measured: {notebook file name: [LiveSlide, ...]}.

    ``lab`` (one JupyterLab server) and ``browser`` (one Chromium) are the session's,
    from tests/conftest.py.
    """
    result = {}
    for name in NAMES:
        errors = []
        try:
            result[name] = measure_slides.measure_live(
                browser, lab.url(f"rise/notebooks/{name}"), page_errors=errors)
        except RuntimeError as walk_failed:  # that notebook's tests fail, not every test here
            errors.append(str(walk_failed))
            result[name] = []
        PAGE_ERRORS[name] = errors
        lab.shut_down_kernels()
    return result


#: Every JavaScript error each presentation's page raised during its walk, and a walk
#: that did not reach the last slide or could not move back from it.
PAGE_ERRORS: dict[str, list[str]] = {}


def test_the_course_settings_give_rise_its_style_sheet(lab):
    """The fit comes from lab-settings/conv-course.json, installed with the course."""
    with urllib.request.urlopen(lab.url("lab/api/settings/jupyterlab-rise:plugin"),
                                timeout=10) as reply:
        settings = json.loads(reply.read())
    # the course's overrides become the schema's defaults (a user's own settings still win)
    overlay = settings["schema"]["properties"]["overlay"]["default"]
    assert overlay.startswith("<style>") and ".reveal" in overlay, overlay[:200]


#: Live slides still taller than the window, each named by its notebook and the
#: start of the first line of its tallest cell, with why: in each, one code cell (its code
#: and printed text, the figure already capped at half the window) is taller
#: than the window, or nearly so. RISE shows a cell whole; a cell cannot be
#: cut without changing the notebook's code (the exported decks cut these
#: with tools/lecture_cut.py), and only RISE's `scroll` setting would show the
#: rest, by scrolling. A slide that starts to fit must leave this list.
TOO_TALL = {
    ("02_padding_5x5_grid.ipynb", "padded = pad2d(grid, 1)"):
        "a heading and its text above 10 lines of code, 6 printed lines and a figure",
    ("02_padding_5x5_grid.ipynb", "modes = list(cu.PADDING_MODES)"):
        "14 lines of code and 37 printed lines (four padded grids), then a figure",
    ("02_padding_5x5_grid.ipynb", "rgb = cu.rgb_like_grid(seed=0)"):
        "17 lines of code and 40 printed lines (two 3-channel maps), then a figure",
    ("03_parameter_sharing.ipynb", "grid = cu.grid_5x5()[None, None]"):
        "16 lines of code, 9 printed lines and a 3x3 grid of gradient tiles",
    ("03_parameter_sharing.ipynb", "rng = np.random.default_rng(7)"):
        "41 lines of code (four gradient checks) on their own",
    ("03_parameter_sharing.ipynb", "photo = cu.load_photograph(\"camera\")"):
        "22 lines of code, then a figure",
    ("05_mnist_counts.ipynb", "figure = cu.plot_parameter_and_work_shares("):
        "24 lines of code, a figure and 5 printed lines",
}


def tallest_cell_line(name: str, slide) -> str:
    """The first line of the tallest cell on ``slide``, read from the notebook."""
    cells = json.loads((ROOT / "notebooks" / name).read_text())["cells"]
    index = max(slide.cells, key=lambda key: slide.cells[key])
    return "".join(cells[int(index)]["source"]).splitlines()[0]


@pytest.mark.parametrize("name", NAMES)
def test_every_live_presentation_opens_and_moves_with_no_page_error(measured, name):
    """RISE presents the notebook: the walk went slide by slide with Space to the last one,
    the left arrow moved back from it (measure_live raises otherwise), and the page raised
    no JavaScript error on the way."""
    assert PAGE_ERRORS[name] == [], f"{name}: {PAGE_ERRORS[name]}"
    assert len(measured[name]) >= 5, f"{name}: {len(measured[name])} slides"


@pytest.mark.parametrize("name", NAMES)
def test_every_live_slide_fits_the_window_or_is_a_known_tall_one(measured, name):
    slides = measured[name]
    fitting = sum(slide.fits for slide in slides)
    print(f"\n{fitting}/{len(slides)} live slides fit  {name}")
    cells = len(json.loads((ROOT / "notebooks" / name).read_text())["cells"])
    # every slide was reached: a walk that stopped early would measure few
    assert 20 <= len(slides) <= cells, f"{name}: {len(slides)} slides measured"
    too_wide = [slide.problem() for slide in slides if slide.wider_by > measure_slides.TOLERANCE_PX]
    assert too_wide == [], f"{name}: live slides wider than the window:\n" + "\n".join(too_wide)
    known = [start for notebook, start in TOO_TALL if notebook == name]
    too_tall = {slide.problem(): tallest_cell_line(name, slide)
                for slide in slides if not slide.fits}
    unexpected = [problem for problem, line in too_tall.items()
                  if not any(line.startswith(start) for start in known)]
    assert unexpected == [], f"{name}: live slides that do not fit:\n" + "\n".join(unexpected)
    now_fitting = [start for start in known
                   if not any(line.startswith(start) for line in too_tall.values())]
    assert now_fitting == [], (f"{name}: these slides fit now; take them off TOO_TALL: "
                               f"{now_fitting}")


def test_the_count_over_all_notebooks(measured):
    slides = [slide for name in NAMES for slide in measured[name]]
    fitting = sum(slide.fits for slide in slides)
    print(f"\n{fitting}/{len(slides)} live slides fit "
          f"({len(TOO_TALL)} known to be taller than the window: see TOO_TALL)")
    assert fitting == len(slides) - len(TOO_TALL)
