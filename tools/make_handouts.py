"""Print every notebook's deck as a PDF handout: handouts/NN_topic.pdf.

`make handouts` runs this. What is printed is the lecture deck (the same one
`make slides` writes), by Debian's Chromium in reveal.js's print mode
(``?print-pdf``), one slide per page with every fragment shown, and each
section's speaker notes on the page after its first slide. Why the deck, not
the notebook:

- the instructor gets what the room sees, page for page, with what to say,
  ask and drive live (the notes) next to it: a lecture plan to hold;
- the learner gets the lecture's pages to annotate, and the notes give back
  the narration a slide leaves out; the whole text, the exercises and the
  explorers are in the notebook itself, which a learner reads in JupyterLab,
  not on paper (a notebook printed is 20-30 pages of code and widgets that
  no longer move);
- the slide number printed on each slide's page matches the number in the
  deck's corner, so "slide 12" means the same thing on paper and on screen.

Nothing is fetched from the network (any request that would leave the disk
is refused and makes this fail): the decks load MathJax and the widget
renderer from slides/vendor, so the formula prints as math and the saved
widget snapshots print as they were saved. The figures use the course's
palette, which tests/test_handouts.py checks for legibility in black and
white (printed on a grey-scale printer).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import make_slides  # noqa: E402
import patience  # noqa: E402

from course_utils.course import NOTEBOOKS  # noqa: E402

HANDOUTS = ROOT / "handouts"
#: Debian's Chromium (never a downloaded browser); COURSE_CHROMIUM names another.
CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
#: Flags for a headless Chromium with no outside network (as in tests/browser_support.py).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic",
]
#: reveal.js reads its settings from the query too: print mode, each slide's notes on a
#: page of their own, every fragment on the slide's one page, the slide number printed.
PRINT_QUERY = ("?print-pdf&showNotes=separate-page&pdfSeparateFragments=false"
               "&showSlideNumber=print")
#: True once reveal.js has laid out the pages, MathJax has typeset every formula, every
#: saved widget snapshot is drawn and every image has loaded.
READY = """() => {
  if (!window.__handoutPagesReady) return false;
  if (window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending + MathJax.Hub.queue.running > 0)
    return false;
  const snapshots = [...document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]')];
  if (!snapshots.every(s => s.parentElement.querySelector('.jupyter-widgets-disconnected')))
    return false;
  return [...document.images].every(image => image.complete);
}"""
#: Which part of READY is missing, for the error message.
NOT_READY = """() => ({
  pagesLaidOut: !!window.__handoutPagesReady,
  mathjaxQueue: window.MathJax && MathJax.Hub
      ? [MathJax.Hub.queue.pending, MathJax.Hub.queue.running] : 'no MathJax',
  snapshotsDrawn: [...document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]')].map(
      s => !!s.parentElement.querySelector('.jupyter-widgets-disconnected')),
  imagesLoading: [...document.images].filter(image => !image.complete).length,
})"""
#: reveal.js says "pdf-ready" once the pages are laid out; listen before the deck loads.
LISTEN_FOR_PAGES = ("document.addEventListener('pdf-ready', "
                    "() => { window.__handoutPagesReady = true; });")
#: reveal.js ends every page, the last one too, with a page break: without this, a deck
#: whose last slide has notes would print a blank last page.
NO_BREAK_AFTER_THE_LAST_PAGE = """html.print-pdf .reveal .slides > :last-child {
  page-break-after: auto !important; break-after: auto !important; }"""


class NetworkRequest(RuntimeError):
    """A deck asked for something that is not on the disk."""


class NotReady(RuntimeError):
    """A deck was not ready to print in time (twice)."""


#: What a deck takes alone to get ready to print, on 2 cores: the page and MathJax, and each
#: saved widget view drawn (tools/patience.py stretches both for a busy machine).
DECK_SECONDS, SNAPSHOT_SECONDS = 10.0, 1.0
SNAPSHOT = 'application/vnd.jupyter.widget-view+json'


def ready_deadline_ms(deck: Path) -> int:
    """How long to wait for ``deck`` to get ready: its page, and each of its widget snapshots."""
    snapshots = deck.read_text(encoding="utf-8", errors="replace").count(SNAPSHOT)
    return patience.milliseconds(DECK_SECONDS + SNAPSHOT_SECONDS * snapshots)


def print_deck(browser, deck: Path, pdf: Path, timeout_ms: int | None = None) -> Path:
    """Print ``deck`` (a deck next to a copy of slides/vendor) into ``pdf``; return ``pdf``.

    Raises
    ------
    NetworkRequest
        When the deck requested any URL that is not a ``file://`` one (all are refused).
    NotReady
        When the deck is not ready to print within ``timeout_ms`` (by default
        :func:`ready_deadline_ms`: what the deck waits for, stretched for a busy
        machine), twice: the deck is loaded a second time (saying so) before giving up.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if timeout_ms is None:
        timeout_ms = ready_deadline_ms(deck)
    page = browser.new_page()
    remote: list[str] = []

    def only_the_disk(route):
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            remote.append(url)
            route.abort()

    try:
        page.route("**/*", only_the_disk)
        page.add_init_script(LISTEN_FOR_PAGES)
        missing = []
        for _attempt in range(2):
            page.goto(deck.resolve().as_uri() + PRINT_QUERY)
            try:
                page.wait_for_function(READY, timeout=timeout_ms)
                break
            except PlaywrightTimeout:
                missing.append(page.evaluate(NOT_READY))
                print(f"{deck.name} not ready to print after {timeout_ms / 1000:.0f} s: "
                      f"{missing[-1]}", file=sys.stderr)
        else:
            raise NotReady(f"{deck.name} never got ready to print: {missing}")
        page.add_style_tag(content=NO_BREAK_AFTER_THE_LAST_PAGE)
        if remote:
            raise NetworkRequest(f"{deck.name} asked the network for: {remote}")
        # the page size is the deck's (reveal.js sets it with @page), backgrounds as on screen
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    finally:
        page.close()
    return pdf


def make_handouts(notebooks: list[Path], output_dir: Path = HANDOUTS,
                  browser=None) -> list[Path]:
    """Write one PDF per notebook into ``output_dir``; return their paths, in order.

    The decks are made by :func:`make_slides.make_deck` in a temporary folder
    (with a copy of slides/vendor), so `make slides` need not run first.
    ``browser`` is a Playwright Chromium to print with (the tests share one);
    by default Debian's Chromium is started for the job and closed after it.
    """
    if browser is None:
        from playwright.sync_api import sync_playwright

        if not CHROMIUM.exists():
            raise SystemExit(f"Chromium not found at {CHROMIUM}: install Debian's package "
                             "(apt-get install chromium) or set COURSE_CHROMIUM")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                  args=CHROMIUM_ARGS)
            try:
                return make_handouts(notebooks, output_dir, chromium)
            finally:
                chromium.close()
    output_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(make_slides.SLIDES / make_slides.VENDOR, Path(folder) / make_slides.VENDOR)
        # a section's notes are printed once, after its first slide (a deck repeats
        # them on every later slide of the section, for the speaker view)
        return [print_deck(browser, make_slides.make_deck(notebook, Path(folder),
                                                          notes_on_sub_slides=False),
                           output_dir / f"{notebook.stem}.pdf")
                for notebook in notebooks]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to print (default: all five)")
    parser.add_argument("--output-dir", type=Path, default=HANDOUTS,
                        help="where the PDFs go (default: handouts/)")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or [ROOT / "notebooks" / nb.filename for nb in NOTEBOOKS]
    for pdf in make_handouts(notebooks, args.output_dir):
        shown = pdf.relative_to(ROOT) if pdf.is_relative_to(ROOT) else pdf
        print(f"{shown}  ({pdf.stat().st_size / 1e6:.1f} MB)")
    print("One page per slide, each section's speaker notes on the page after its first slide.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
