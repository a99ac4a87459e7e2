"""What a deck should hold, read from the notebook itself, for the deck and handout tests.

Every count here comes from the notebook's JSON (its cells' slideshow
metadata, outputs and saved widget state) by the rules reveal.js decks
follow, never from the exported HTML: the browser and the PDF are then
checked against it. nbconvert's rules for the slideshow metadata: ``skip``
cells are left out; the first other cell starts a slide; ``slide`` and
``subslide`` start a new page of the deck (a section); ``-`` and
``fragment`` continue the current one; ``notes`` go into the current
page's speaker notes.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import make_slides  # noqa: E402
import patience  # noqa: E402
from lecture_cut import lecture_cut  # noqa: E402

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: The CSS class ipywidgets 8 gives the view of each model the course's notebooks save
#: (ipywidgets' controls, as the HTML manager draws them).
VIEW_CLASS = {
    "VBoxModel": "widget-vbox",
    "HBoxModel": "widget-hbox",
    "IntSliderModel": "widget-hslider",
    "HTMLModel": "widget-html",
    "OutputModel": "widget-output",
    "PlayModel": "widget-play",
    "ToggleButtonsModel": "widget-toggle-buttons",
    "IntProgressModel": "widget-hprogress",
}
#: A formula: $$display$$ or $inline$ (a "\$" is a dollar sign, not math).
FORMULA = re.compile(r"(?<!\\)\$\$.+?(?<!\\)\$\$|(?<!\\)\$[^$\n]+?(?<!\\)\$", re.S)


def deck_notebook(path: Path, notes_on_sub_slides: bool = True) -> nbformat.NotebookNode:
    """The notebook as the deck shows it (the lecture cut); as its handout prints it, with False."""
    return lecture_cut(nbformat.read(path, as_version=4), notes_on_sub_slides)


def slide_type(cell) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def shown_cells(notebook) -> list:
    """Every cell the deck shows (on a slide or in the notes): all but ``skip``."""
    return [cell for cell in notebook["cells"] if slide_type(cell) != "skip"]


def slide_pages(notebook) -> list[bool]:
    """One entry per page of the deck (a slide or a sub-slide): does it have speaker notes?"""
    pages: list[bool] = []
    for cell in shown_cells(notebook):
        kind = slide_type(cell)
        if kind == "notes":
            if pages:
                pages[-1] = True
            continue
        if not pages or kind in ("slide", "subslide"):
            pages.append(False)
    return pages


def notes_texts(notebook) -> list[str]:
    """The source of every speaker-notes cell, in order."""
    return ["".join(cell["source"]) for cell in shown_cells(notebook)
            if slide_type(cell) == "notes"]


def saved_state(notebook) -> dict:
    return notebook.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})


def drawn_models(notebook) -> list[dict]:
    """Every widget model the saved snapshots draw a view of (the shown outputs' widgets
    and, through ``children``, everything inside them), as saved: name and state."""
    state, drawn = saved_state(notebook), []
    pending = [output["data"][WIDGET_VIEW]["model_id"] for cell in shown_cells(notebook)
               for output in cell.get("outputs", []) if WIDGET_VIEW in output.get("data", {})]
    while pending:
        model = state[pending.pop()]
        drawn.append(model)
        pending += [child.removeprefix("IPY_MODEL_")
                    for child in model["state"].get("children", [])]
    return drawn


def widget_views(notebook) -> Counter:
    """How many views of each model the saved snapshots draw, by model name."""
    return Counter(model["model_name"] for model in drawn_models(notebook))


def figure_count(notebook) -> int:
    """Figures the deck shows: PNG outputs of its cells, and those inside saved Output
    widgets drawn by its snapshots (an explorer's figure)."""
    in_cells = sum("image/png" in output.get("data", {}) for cell in shown_cells(notebook)
                   for output in cell.get("outputs", []))
    state, in_widgets = saved_state(notebook), 0
    pending = [output["data"][WIDGET_VIEW]["model_id"] for cell in shown_cells(notebook)
               for output in cell.get("outputs", []) if WIDGET_VIEW in output.get("data", {})]
    while pending:
        model = state[pending.pop()]["state"]
        in_widgets += sum("image/png" in output.get("data", {})
                          for output in model.get("outputs", []))
        pending += [child.removeprefix("IPY_MODEL_") for child in model.get("children", [])]
    return in_cells + in_widgets


def formula_count(notebook) -> int:
    """Formulas in the shown Markdown cells."""
    return sum(len(FORMULA.findall("".join(cell["source"]))) for cell in shown_cells(notebook)
               if cell["cell_type"] == "markdown")


def make_decks(folder: Path, notebooks: list[Path]) -> dict[str, Path]:
    """Every notebook's deck in ``folder``, next to a copy of slides/vendor, made by
    `make slides`' own code; keyed by the notebook's file name."""
    shutil.copytree(ROOT / "slides" / "vendor", folder / "vendor")
    return {notebook.name: make_slides.make_deck(notebook, folder) for notebook in notebooks}


#: True once MathJax has nothing left to do (it typesets after the page has loaded).
MATHJAX_IDLE = """() => window.MathJax && MathJax.Hub && MathJax.isReady
    && MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0"""


class OfflineDeck:
    """A deck open in Chromium with every non-file request refused and recorded."""

    def __init__(self, browser, deck: Path):
        self.path = deck
        self.page = browser.new_page(viewport={"width": 1280, "height": 720})
        self.local, self.remote, self.missing, self.errors = [], [], [], []
        self.page.route("**/*", self._only_the_disk)
        self.page.on("requestfailed", lambda request: self.missing.append(request.url)
                     if request.url.startswith("file://") else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(deck.as_uri())
        self.page.wait_for_selector(".reveal.ready", timeout=patience.milliseconds(10))
        self.page.wait_for_function(MATHJAX_IDLE, timeout=patience.milliseconds(10))
        # reveal.js is loaded by require.js, not as a global: ask require.js for it
        self.page.evaluate("""() => new Promise(done => require(
            ['vendor/reveal.js/dist/reveal.js'], reveal => { window.Reveal = reveal; done(); }))""")

    def _only_the_disk(self, route):
        url = route.request.url
        if url.startswith("file://"):
            self.local.append(url)
            route.continue_()
        else:
            self.remote.append(url)
            route.abort()

    def show_slide_of(self, selector: str, index: int = 0) -> None:
        """Go to the slide holding the ``index``-th element matching ``selector``."""
        self.page.evaluate("""([selector, index]) => {
            const section = document.querySelectorAll(selector)[index].closest('section');
            const where = Reveal.getIndices(section);
            Reveal.slide(where.h, where.v, Number.MAX_SAFE_INTEGER);  // every fragment shown
        }""", [selector, index])
        self.page.wait_for_timeout(400)  # the slide transition

    def go_to_first_slide(self) -> None:
        self.page.evaluate("Reveal.slide(0, 0, 0)")
        self.page.wait_for_function(
            "document.querySelector('.slide-number').innerText.startsWith('1 /')",
            timeout=patience.milliseconds(2))

    def wait_for_widget_views(self, count: int) -> None:
        """The widget renderer draws after the page has loaded: wait for ``count`` views."""
        self.page.wait_for_function(
            "n => document.querySelectorAll('.jupyter-widgets-disconnected').length >= n",
            arg=count, timeout=patience.milliseconds(5 + count))
        self.page.wait_for_load_state("networkidle")

    def close(self):
        self.page.close()
