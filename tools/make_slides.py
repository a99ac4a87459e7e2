"""Turn every notebook into a reveal.js slide deck: slides/NN_topic.slides.html.

`make slides` runs this. Each cell's slideshow metadata decides what it is:
a new slide, a sub-slide (down), a fragment (revealed on the next key
press), speaker notes (S opens them) or skipped (setup cells, navigation
lines).

A deck fetches nothing from the network: it loads reveal.js, jQuery,
require.js, MathJax 2 (notebook 01's formula) and the Jupyter widgets
renderer (the saved snapshots of the explorers and progress bars) from
slides/vendor, in the repository (tools/fetch_slide_assets.py says where
each comes from), so it opens from the disk in a classroom with no
connection. The template (tools/deck_template) is nbconvert's reveal.js
one without its Mermaid import from a CDN (no notebook draws a Mermaid
diagram). The snapshots show the widgets as they were saved; moving a
slider needs a kernel: present the explorers live in JupyterLab.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course_utils.course import NOTEBOOKS  # noqa: E402

sys.path.insert(0, str(ROOT / "tools"))
from lecture_cut import lecture_cut  # noqa: E402

SLIDES = ROOT / "slides"
#: The course's own rules for the decks (slide number, figure and text sizes), added to every deck.
SLIDE_STYLE = ROOT / "tools" / "slides.css"
#: nbconvert's reveal.js template, minus what it would fetch from the network.
TEMPLATE_DIR = ROOT / "tools" / "deck_template"
#: Where a deck finds its assets: a copy of slides/vendor next to it.
VENDOR = "vendor"
#: MathJax 2, with the configuration nbconvert's template is written for.
MATHJAX_URL = f"{VENDOR}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
#: The renderer of ipywidgets 8 snapshots, and the folder of its icon fonts.
WIDGET_RENDERER_URL = f"{VENDOR}/html-manager/embed-amd.js"
WIDGET_ASSETS_PATH = f"{VENDOR}/html-manager"


def exporter() -> SlidesExporter:
    """A slides exporter that reads every script, style and font from slides/vendor."""
    config = Config()
    config.SlidesExporter.extra_template_basedirs = [str(TEMPLATE_DIR.parent)]
    config.SlidesExporter.template_name = TEMPLATE_DIR.name
    config.SlidesExporter.reveal_url_prefix = f"{VENDOR}/reveal.js"
    config.SlidesExporter.reveal_theme = "white"
    # no scroll bars: every slide fits the frame (tests/test_slides_fit.py), and a
    # scroll bar would hide from the room what the measurement is there to catch
    config.SlidesExporter.reveal_scroll = False
    config.SlidesExporter.reveal_number = "c/t"  # "3/24" in the corner
    config.SlidesExporter.require_js_url = f"{VENDOR}/require.js"
    config.SlidesExporter.jquery_url = f"{VENDOR}/jquery.min.js"
    config.SlidesExporter.mathjax_url = MATHJAX_URL
    config.SlidesExporter.widget_renderer_url = WIDGET_RENDERER_URL
    return SlidesExporter(config=config)


def make_deck(notebook: Path, output_dir: Path = SLIDES,
              notes_on_sub_slides: bool = True) -> Path:
    """Write ``notebook``'s deck into ``output_dir``; return its path.

    ``output_dir`` must hold (or be given) a copy of ``slides/vendor``.
    ``notes_on_sub_slides``: see :func:`lecture_cut.lecture_cut` (False for handouts).
    """
    body, _ = exporter().from_notebook_node(
        lecture_cut(nbformat.read(notebook, as_version=4), notes_on_sub_slides),
        resources={"widget_assets_path": WIDGET_ASSETS_PATH})
    # nbconvert's template re-typesets formulas on every slide change and fails
    # when MathJax could not load (a deck opened without its vendor folder).
    body = body.replace("if(MathJax.Hub.getAllJax(", "if(window.MathJax && MathJax.Hub.getAllJax(")
    style = SLIDE_STYLE.read_text(encoding="utf-8")
    body = body.replace("</head>", f"<style>\n{style}</style>\n</head>", 1)
    target = output_dir / f"{notebook.stem}.slides.html"
    target.write_text(body, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to convert (default: all five)")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or [ROOT / "notebooks" / nb.filename for nb in NOTEBOOKS]
    for notebook in notebooks:
        deck = make_deck(notebook)
        print(f"{deck.relative_to(ROOT)}  ({deck.stat().st_size / 1e6:.1f} MB)")
    print(f"Open one in a browser, e.g. slides/{notebooks[0].stem}.slides.html; "
          "arrow keys move, S opens the speaker notes, Esc shows an overview.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
