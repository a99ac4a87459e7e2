"""Turn every notebook into a reveal.js slide deck: slides/NN_topic.slides.html.

`make slides` runs this. Each cell's slideshow metadata decides what it is:
a new slide, a sub-slide (down), a fragment (revealed on the next key
press), or skipped (setup cells, navigation lines). The decks load
reveal.js, jQuery and require.js from slides/vendor (in the repository), so
they open from the disk with no connection. Two things still come from the
internet, and only show without one as they are: the formula of notebook
01 (MathJax, from cdnjs.cloudflare.com; offline it stays LaTeX source), and
the saved snapshots of widgets (the Jupyter widgets renderer, from unpkg.com;
offline they are left out). Present the explorers live in JupyterLab.
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


def exporter() -> SlidesExporter:
    """A slides exporter that reads reveal.js, jQuery and require.js from slides/vendor."""
    config = Config()
    config.SlidesExporter.reveal_url_prefix = "vendor/reveal.js"
    config.SlidesExporter.reveal_theme = "white"
    config.SlidesExporter.reveal_scroll = True  # long cells scroll instead of being cut off
    config.SlidesExporter.reveal_number = "c/t"  # "3/24" in the corner
    config.SlidesExporter.require_js_url = "vendor/require.js"
    config.SlidesExporter.jquery_url = "vendor/jquery.min.js"
    return SlidesExporter(config=config)


def make_deck(notebook: Path, output_dir: Path = SLIDES) -> Path:
    """Write ``notebook``'s deck into ``output_dir``; return its path.

    ``output_dir`` must hold (or be given) a copy of ``slides/vendor``.
    """
    body, _ = exporter().from_notebook_node(lecture_cut(nbformat.read(notebook, as_version=4)))
    # nbconvert's template re-typesets formulas on every slide change and fails
    # when MathJax could not load (no connection); only do it when MathJax is there.
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
