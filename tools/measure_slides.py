"""Measure every slide of an exported deck against reveal.js's frame, in a real browser.

A projector shows a deck at 1280x720. reveal.js lays each slide out in a
fixed frame (``Reveal.getConfig().width`` x ``height``, 960x700 for these
decks) and scales the frame to the window; whatever a slide holds beyond
the frame is never seen. This tool opens a deck in Debian's Chromium
(Playwright, ``executable_path``: no browser is downloaded) at 1280x720,
goes to every slide and sub-slide with Reveal's own API, shows all its
fragments, and measures:

- the slide's content box (``scrollHeight`` and ``scrollWidth`` of its
  ``<section>``) against the frame;
- the bounding box of every element in it, after reveal.js's scaling,
  against the frame's box on the screen;
- every box inside it that scrolls or clips its own content sideways or
  downwards (a wide code line in a ``<pre>``, say): text cut there is not
  seen either.

    python tools/measure_slides.py slides/03_parameter_sharing.slides.html
    python tools/measure_slides.py            # every deck in slides/

prints each slide that does not fit, with its heading and its overflow in
pixels of the frame, and "N/N slides fit".

The live presentation (jupyterlab-rise, in a running JupyterLab) is measured
the same way with ``--live`` and the notebook's RISE address, token
included; RISE's frame is the window itself, and its slides are stepped
through with the keyboard (RISE keeps its reveal.js to itself):

    python tools/measure_slides.py --live "http://127.0.0.1:8888/rise/notebooks/01_conv_arithmetic.ipynb?token=..."
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import patience  # noqa: E402  (tools/patience.py: deadlines for a busy machine)

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
#: The projector's frame, in CSS pixels.
VIEWPORT = {"width": 1280, "height": 720}
#: Less than this many frame pixels out is rounding, not overflow.
TOLERANCE_PX = 1

# Runs in the deck: every slide (h, v), its heading and how far it spills out.
_MEASURE_JS = r"""
async () => {
  // the deck loads reveal.js with require.js (a module, not a global)
  const Reveal = window.Reveal || require('vendor/reveal.js/dist/reveal.js');
  const config = Reveal.getConfig();
  const frame = {width: config.width, height: config.height};
  const slidesBox = document.querySelector('.reveal .slides');
  const report = [];
  // no transition: a slide sliding in from the side would measure as too wide
  Reveal.configure({transition: 'none', backgroundTransition: 'none'});
  for (const section of Reveal.getSlides()) {
    {
      const {h, v} = Reveal.getIndices(section);
      Reveal.slide(h, v, Number.MAX_SAFE_INTEGER);  // every fragment shown
      await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
      const scale = Reveal.getScale();
      const box = slidesBox.getBoundingClientRect();  // the frame on screen (scaled)
      // reveal.js centres a slide by its top; the frame starts at the .slides box
      let bottom = 0, right = 0, top = 0, left = 0;
      const clipped = [];
      for (const element of section.querySelectorAll('*')) {
        const style = getComputedStyle(element);
        if (style.display === 'none' || element.closest('aside.notes')) continue;
        const r = element.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        bottom = Math.max(bottom, (r.bottom - box.top) / scale - frame.height);
        right = Math.max(right, (r.right - box.left) / scale - frame.width);
        top = Math.max(top, (box.top - r.top) / scale);
        left = Math.max(left, (box.left - r.left) / scale);
        const hiddenX = element.scrollWidth - element.clientWidth;
        const hiddenY = element.scrollHeight - element.clientHeight;
        const scrolls = s => s === 'auto' || s === 'scroll' || s === 'hidden';
        if (element.clientWidth > 0 && hiddenX > 1 && scrolls(style.overflowX)) {
          clipped.push({what: element.tagName.toLowerCase() + (element.className ? '.' + String(element.className).split(' ')[0] : ''), width_px: hiddenX});
        }
        if (element.clientHeight > 0 && hiddenY > 1 && scrolls(style.overflowY)) {
          clipped.push({what: element.tagName.toLowerCase() + (element.className ? '.' + String(element.className).split(' ')[0] : ''), height_px: hiddenY});
        }
      }
      const heading = section.querySelector('h1, h2, h3, h4');
      const text = (heading ? heading.textContent : section.innerText).trim().split('\n')[0];
      const notes = section.querySelector('aside.notes');
      report.push({
        h, v: v || 0, heading: text.replace(/¶$/, '').slice(0, 80),
        height: section.scrollHeight, width: section.scrollWidth,
        frame_height: frame.height, frame_width: frame.width,
        over_bottom: bottom, over_right: right, over_top: top, over_left: left,
        clipped,
        notes: notes ? notes.innerText.trim() : '',
      });
    }
  }
  Reveal.slide(0, 0, 0);
  return report;
}
"""


@dataclass
class Slide:
    """One slide (or sub-slide) of a deck, measured; lengths in pixels of the frame."""

    h: int
    v: int
    heading: str
    height: int
    width: int
    frame_height: int
    frame_width: int
    over_bottom: float
    over_right: float
    over_top: float
    over_left: float
    clipped: list
    notes: str

    @property
    def taller_by(self) -> float:
        """How far the content runs past the frame's top and bottom together (0 if it fits)."""
        return max(0.0, self.height - self.frame_height, self.over_bottom) + max(0.0, self.over_top)

    @property
    def wider_by(self) -> float:
        return max(0.0, self.width - self.frame_width, self.over_right) + max(0.0, self.over_left)

    @property
    def fits(self) -> bool:
        return (self.taller_by <= TOLERANCE_PX and self.wider_by <= TOLERANCE_PX
                and not self.clipped)

    def problem(self) -> str:
        """A line saying where the slide does not fit."""
        parts = []
        if self.taller_by > TOLERANCE_PX:
            parts.append(f"{self.taller_by:.0f} px taller")
        if self.wider_by > TOLERANCE_PX:
            parts.append(f"{self.wider_by:.0f} px wider")
        for box in self.clipped:
            if "width_px" in box:
                parts.append(f"a <{box['what']}> hides {box['width_px']} px sideways")
            else:
                parts.append(f"a <{box['what']}> hides {box['height_px']} px below")
        return (f"slide {self.h + 1}.{self.v + 1} \"{self.heading}\": "
                f"{', '.join(parts)} than the {self.frame_width}x{self.frame_height} frame")


def measure_deck(browser, deck: Path) -> list[Slide]:
    """Every slide of ``deck`` measured in a new 1280x720 page of ``browser``.

    Parameters
    ----------
    browser : playwright.sync_api.Browser
        A running Chromium.
    deck : Path
        An exported deck next to its ``vendor`` folder.

    Returns
    -------
    list of Slide
        In the deck's order: slides, and the sub-slides below each.
    """
    page = browser.new_page(viewport=VIEWPORT)
    try:
        # the deck must not need the internet: anything not on the disk fails
        page.route("**/*", lambda route: route.continue_()
                   if route.request.url.startswith(("file://", "data:")) else route.abort())
        page.goto(Path(deck).resolve().as_uri())
        page.wait_for_selector(".reveal.ready", timeout=patience.milliseconds(10))
        return measure_open_deck(page)
    finally:
        page.close()


def measure_open_deck(page) -> list[Slide]:
    """Every slide of the deck loaded in ``page`` (1280x720), back on its first slide after.

    Parameters
    ----------
    page : playwright.sync_api.Page
        A deck, loaded (reveal.js ready); ideally settled too (MathJax done,
        widget views drawn), as the tests have it.

    Returns
    -------
    list of Slide
        In the deck's order: slides, and the sub-slides below each.
    """
    page.evaluate("document.fonts.ready")
    return [Slide(**row) for row in page.evaluate(_MEASURE_JS)]


# Runs in a RISE page: the present (innermost) slide, its size and its cells' heights,
# and whether Space has anything left to show (a later slide or a hidden fragment).
_MEASURE_LIVE_JS = r"""
() => {
  const frame = document.querySelector('.reveal .slides').getBoundingClientRect();
  const present = Array.from(document.querySelectorAll('.reveal .slides section.present'));
  const section = present[present.length - 1];
  const all = Array.from(document.querySelectorAll('.reveal .slides section'))
    .filter(s => !s.querySelector('section'));  // the innermost sections: what is shown
  const heading = section.querySelector('h1, h2, h3, h4');
  const cells = {};
  for (const cell of section.querySelectorAll('.jp-Cell')) {
    const style = getComputedStyle(cell);
    cells[cell.dataset.windowedListIndex] = Math.round(cell.getBoundingClientRect().height
      + parseFloat(style.marginTop) + parseFloat(style.marginBottom));
  }
  // anything drawn outside the window (beyond what scrollWidth/Height count: left and top)
  let left = 0, top = 0;
  for (const element of section.querySelectorAll('*')) {
    if (element.closest('aside.notes')) continue;
    const r = element.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    left = Math.max(left, frame.left - r.left);
    top = Math.max(top, frame.top - r.top);
  }
  const index = all.indexOf(section);
  return {index, height: section.scrollHeight, width: section.scrollWidth,
          over_left: left, over_top: top,
          frame_height: frame.height, frame_width: frame.width, cells,
          hidden_fragments: section.querySelectorAll('.fragment:not(.visible)').length,
          last: index === all.length - 1,
          heading: (heading ? heading.textContent : section.innerText).trim().split('\n')[0]
                   .replace(/¶$/, '').slice(0, 80)};
}
"""


@dataclass
class LiveSlide:
    """One slide of a live RISE presentation, measured in CSS pixels of the window.

    ``cells`` maps each cell's index in the notebook to its height on the
    slide; ``over_left`` and ``over_top`` say how far something is drawn
    left of or above the window.
    """

    index: int
    heading: str
    height: int
    width: int
    over_left: float
    over_top: float
    frame_height: float
    frame_width: float
    cells: dict
    hidden_fragments: int = 0
    last: bool = False

    @property
    def taller_by(self) -> float:
        return max(0.0, self.height - self.frame_height) + max(0.0, self.over_top)

    @property
    def wider_by(self) -> float:
        return max(0.0, self.width - self.frame_width) + max(0.0, self.over_left)

    @property
    def fits(self) -> bool:
        return self.taller_by <= TOLERANCE_PX and self.wider_by <= TOLERANCE_PX

    def problem(self) -> str:
        """A line saying where the slide does not fit, and its cells' heights."""
        parts = []
        if self.taller_by > TOLERANCE_PX:
            parts.append(f"{self.taller_by:.0f} px taller")
        if self.wider_by > TOLERANCE_PX:
            parts.append(f"{self.wider_by:.0f} px wider")
        cells = ", ".join(f"cell {index}: {height} px" for index, height in self.cells.items())
        return (f"live slide {self.index} \"{self.heading}\": {' and '.join(parts) or 'fits'} "
                f"than the {self.frame_width:.0f}x{self.frame_height:.0f} window ({cells})")


def measure_live(browser, url: str, max_steps: int = 800,
                 page_errors: list[str] | None = None) -> list[LiveSlide]:
    """Every slide of a live RISE presentation at ``url``, in a 1280x720 page of ``browser``.

    Space steps through slides, sub-slides and fragments in order, as a
    presenter does; a slide met again (a fragment shown) is measured again
    and keeps its largest size. The walk ends on the last slide with every
    fragment shown; there, the left arrow must move back (a fragment or a
    slide: the arrow keys move a presenter through the deck too).

    Parameters
    ----------
    browser : playwright.sync_api.Browser
        A running Chromium.
    url : str
        The notebook's RISE address, token included
        (``http://127.0.0.1:PORT/rise/notebooks/NAME.ipynb?token=...``).
    max_steps : int
        Presses of Space after which the walk gives up (RuntimeError).
    page_errors : list of str, optional
        Every uncaught JavaScript error of the page is appended to it.

    Returns
    -------
    list of LiveSlide
        In the presentation's order.

    Raises
    ------
    RuntimeError
        When the walk does not reach the last slide, or the left arrow does
        not move back from it.
    """
    page = browser.new_page(viewport=VIEWPORT)
    if page_errors is not None:
        page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        page.goto(url)
        page.wait_for_selector(".reveal.ready", timeout=patience.milliseconds(40))
        page.evaluate("document.fonts.ready")
        # RISE lays the cells out and calls Reveal.sync() on timers after reveal.js is
        # ready (its sync_timeout, 250 ms); the overlay's style sheet is in by then
        page.wait_for_selector("#rise-overlay", state="attached", timeout=patience.milliseconds(10))
        page.wait_for_timeout(1_000)
        seen: dict[int, LiveSlide] = {}
        for _ in range(max_steps):
            slide = LiveSlide(**page.evaluate(_MEASURE_LIVE_JS))
            known = seen.setdefault(slide.index, slide)
            if known is not slide:
                for name in ("height", "width", "over_left", "over_top"):
                    setattr(known, name, max(getattr(known, name), getattr(slide, name)))
            if slide.last and slide.hidden_fragments == 0:
                _step_back_with_the_arrow_key(page, url)
                return sorted(seen.values(), key=lambda slide: slide.index)
            state = (slide.index, slide.hidden_fragments)
            page.keyboard.press("Space")
            # the next slide or fragment is in place (its layout does not wait for the
            # transition's animation, which moves it with a transform only)
            page.wait_for_function("""([index, hidden]) => {
                const section = Array.from(
                  document.querySelectorAll('.reveal .slides section.present')).pop();
                const all = Array.from(document.querySelectorAll('.reveal .slides section'))
                  .filter(s => !s.querySelector('section'));
                return all.indexOf(section) !== index
                  || section.querySelectorAll('.fragment:not(.visible)').length !== hidden;
            }""", arg=list(state), timeout=patience.milliseconds(3))
            page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        raise RuntimeError(f"{url}: not at the last slide after {max_steps} steps")
    finally:
        page.close()


def _step_back_with_the_arrow_key(page, url: str) -> None:
    """From the last slide, the left arrow must move back (RuntimeError if not).

    reveal.js first hides the last fragment shown, if the slide has one, else
    shows the slide before: either way, what the slide shows changes.
    """
    last = page.evaluate(
        "() => Array.from(document.querySelectorAll('.reveal .slides section.present'))"
        ".pop().innerText")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.keyboard.press("ArrowLeft")
    try:
        page.wait_for_function("""previous => {
            const now = Array.from(document.querySelectorAll('.reveal .slides section.present'))
              .pop();
            return now && now.innerText !== previous; }""", arg=last, timeout=patience.milliseconds(3))
    except PlaywrightTimeout as error:
        raise RuntimeError(f"{url}: the left arrow did not move back from the last slide") \
            from error


def launch(playwright):
    """Debian's Chromium, headless, from its own path (the flags of tests/browser_support.py)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=[
        "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic"])


def summary(name: str, slides: list[Slide]) -> str:
    fitting = sum(slide.fits for slide in slides)
    return f"{fitting}/{len(slides)} slides fit  {name}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("decks", nargs="*", type=Path,
                        help="exported decks (default: every slides/*.slides.html)")
    parser.add_argument("--all", action="store_true", help="print every slide, not only misfits")
    parser.add_argument("--live", metavar="URL", action="append", default=[],
                        help="a notebook's RISE address in a running JupyterLab (repeatable)")
    args = parser.parse_args(argv)
    if args.live:
        return main_live(args.live)
    decks = args.decks or sorted((ROOT / "slides").glob("*.slides.html"))
    if not decks:
        print("no decks: run `make slides` first", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    total = fitting = 0
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for deck in decks:
                slides = measure_deck(browser, deck)
                for slide in slides:
                    if args.all or not slide.fits:
                        print(("  " if slide.fits else "  NO ") + (
                            slide.problem() if not slide.fits else
                            f"slide {slide.h + 1}.{slide.v + 1} \"{slide.heading}\": "
                            f"{slide.height} px"))
                print(summary(deck.name, slides))
                total += len(slides)
                fitting += sum(slide.fits for slide in slides)
        finally:
            browser.close()
    print(f"{fitting}/{total} slides fit in all")
    return 0 if fitting == total else 1


def main_live(urls: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    total = fitting = 0
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for url in urls:
                slides = measure_live(browser, url)
                for slide in slides:
                    if not slide.fits:
                        print("  NO " + slide.problem())
                name = url.split("?")[0].rsplit("/", 1)[-1]
                print(f"{sum(s.fits for s in slides)}/{len(slides)} live slides fit  {name}")
                total += len(slides)
                fitting += sum(s.fits for s in slides)
        finally:
            browser.close()
    print(f"{fitting}/{total} live slides fit in all")
    return 0 if fitting == total else 1


if __name__ == "__main__":
    sys.exit(main())
