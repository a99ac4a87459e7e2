"""The exported decks need no network: the formula typeset, the widget snapshots drawn.

Each deck is made by `make slides`' own code into a temporary folder with a
copy of slides/vendor, and opened by Debian's Chromium from ``file://``.
Every request for a URL that is not a file is refused *and* recorded: one
is a failure (a classroom with no connection would lose whatever it
fetched), as is a file the deck asks for that is not in slides/vendor.
On the same page load: the deck shows slide "1 / N" and moves on with the
arrow key, every figure's description is the alt text of its image, and
axe-core finds no serious violation in the course's content (a screenshot
of the first slide goes to ``test-artifacts/screenshots``). Then: notebook
01's formula is typeset by MathJax (no TeX source left on the slide), and
every widget view the saved state holds is drawn by the widget renderer,
with its sliders and labels on screen.

Without Chromium these tests skip, saying why; with COURSE_REQUIRE_BROWSER=1
(as in CI) they fail instead.
"""

from __future__ import annotations

import importlib.util
from collections import Counter

import pytest
from browser_support import ROOT, SCREENSHOTS, axe_violations
import patience  # tools/patience.py (browser_support puts tools/ on the path)
from deck_facts import (
    VIEW_CLASS,
    deck_notebook,
    drawn_models,
    figure_count,
    formula_count,
    widget_views,
)

from course_utils import NOTEBOOKS

NAMES = [nb.filename for nb in NOTEBOOKS]
#: Every text on the slides a reader sees: scripts and styles (where MathJax keeps
#: the TeX source of what it typeset) left out.
VISIBLE_TEXT = """() => {
  const walker = document.createTreeWalker(document.querySelector('.reveal .slides'),
                                           NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (!parent.closest('script, style')) texts.push(walker.currentNode.textContent);
  }
  return texts.join(' ');
}"""


def test_slides_vendor_holds_what_the_fetch_script_lists_and_stays_small():
    spec = importlib.util.spec_from_file_location(
        "fetch_slide_assets", ROOT / "tools" / "fetch_slide_assets.py")
    fetch = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fetch)
    vendor = ROOT / "slides" / "vendor"
    for package, (version, licence, files, _) in fetch.PACKAGES.items():
        for target in files.values():
            assert (vendor / target).exists(), f"{package}: {target} missing; run the fetch script"
    assert (vendor / "VERSIONS.txt").read_text().splitlines() == [
        f"{package} {version} (npm, {licence})"
        for package, (version, licence, _, _) in fetch.PACKAGES.items()]
    assert (vendor / fetch.HTML_MANAGER_DIR / "LICENSE").read_text().count("BSD") >= 1
    size = sum(path.stat().st_size for path in vendor.rglob("*") if path.is_file())
    assert size < 10e6, f"slides/vendor is {size / 1e6:.1f} MB"


@pytest.mark.parametrize("name", NAMES)
def test_deck_works_from_disk_alone_and_passes_axe(open_decks, name):
    """No request to the network, no missing file; the deck moves; alt texts; axe-core."""
    deck = open_decks[name]  # loaded, typeset and its widget views drawn (tests/conftest.py)
    expected = sum(widget_views(deck_notebook(ROOT / "notebooks" / name)).values())
    assert deck.remote == [], f"{name}'s deck asked the network for {deck.remote}"
    assert deck.missing == [], f"{name}'s deck asked for files not there: {deck.missing}"
    assert deck.errors == []
    # the check is real: the deck did load its assets, all from the vendor folder
    vendor = deck.path.parent.as_uri() + "/vendor/"
    for asset in ("mathjax/MathJax.js", "mathjax/config/TeX-AMS_CHTML-full.js",
                  "reveal.js/dist/reveal.js", "require.js"):
        assert any(url.startswith(vendor + asset) for url in deck.local), deck.local
    if expected:
        assert vendor + "html-manager/embed-amd.js" in deck.local, deck.local
    page = deck.page
    deck.go_to_first_slide()  # another test may have moved it
    slides = page.locator(".reveal .slides > section").count()
    assert slides >= 5, f"{name}: {slides} slides"
    assert page.locator(".slide-number").inner_text().startswith("1 /")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name.removesuffix('.ipynb')}.slides.png"))
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "document.querySelector('.slide-number').innerText.startsWith('2 /')",
        timeout=patience.milliseconds(2))
    # every figure's description is the alt of its <img> in the deck, the figures
    # inside saved explorer snapshots (Output widgets) included
    alts = page.locator(".jp-OutputArea-output img").evaluate_all(
        "imgs => imgs.map(i => i.getAttribute('alt') || '')")
    figures = figure_count(deck_notebook(ROOT / "notebooks" / name))
    assert len(alts) == figures and all(len(alt) >= 40 for alt in alts), alts
    serious, _ = axe_violations(page, name.removesuffix(".ipynb") + ".slides")
    assert serious == [], f"{name}'s deck: axe-core finds in the course's content:\n" + (
        "\n".join(serious))
    assert deck.remote == [] and deck.errors == []  # nothing fetched while moving either


def test_the_network_check_sees_a_deck_that_would_fetch(browser, tmp_path):
    # the route records what a deck asks the network for: a CDN script is caught
    page_file = tmp_path / "cdn.html"
    page_file.write_text('<html><body><script src="https://cdnjs.cloudflare.com/ajax/libs/'
                         'mathjax/2.7.7/MathJax.js"></script><div class="reveal ready">'
                         '</div></body></html>')
    page = browser.new_page()
    remote = []
    page.route("**/*", lambda route: (remote.append(route.request.url), route.abort())
               if not route.request.url.startswith("file://") else route.continue_())
    try:
        page.goto(page_file.as_uri())
        assert remote == ["https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/MathJax.js"]
    finally:
        page.close()


def test_the_formula_of_notebook_01_is_typeset_as_math(open_decks):
    name = "01_conv_arithmetic.ipynb"
    formulas = formula_count(deck_notebook(ROOT / "notebooks" / name))
    assert formulas >= 1, "notebook 01 has no formula left to check"
    deck = open_decks[name]
    typeset = deck.page.locator(".MathJax_CHTML").count()
    assert typeset == formulas, f"{typeset} formulas typeset, {formulas} in the notebook"
    deck.show_slide_of(".MathJax_CHTML")
    assert deck.page.locator("section.present .MathJax_CHTML").first.is_visible()
    visible = deck.page.evaluate(VISIBLE_TEXT)
    for source in ("$$", "\\frac", "\\lfloor", "W_{out}"):
        assert source not in visible, f"TeX source {source!r} left on a slide"
    assert deck.remote == [] and deck.errors == []


@pytest.mark.parametrize("name", [n for n in NAMES
                                  if widget_views(deck_notebook(ROOT / "notebooks" / n))])
def test_every_saved_widget_snapshot_is_drawn(open_decks, name):
    views = widget_views(deck_notebook(ROOT / "notebooks" / name))
    unknown = set(views) - set(VIEW_CLASS)
    assert not unknown, f"say which CSS class a view of {unknown} has (deck_facts.VIEW_CLASS)"
    deck = open_decks[name]
    deck.page.wait_for_function(
        "n => document.querySelectorAll('.jupyter-widgets-disconnected').length >= n",
        arg=sum(views.values()), timeout=patience.milliseconds(5 + sum(views.values())))
    drawn = Counter({model: deck.page.locator(f".jupyter-widgets-disconnected.{css}").count()
                     for model, css in VIEW_CLASS.items()})
    assert +drawn == views, f"{name}: drawn {dict(drawn)}, saved {dict(views)}"
    # on its slide, every control has a size and its label its text
    outputs = deck.page.locator(".jp-OutputArea-output:has(.jupyter-widgets-disconnected)")
    for index in range(outputs.count()):
        deck.show_slide_of(".jp-OutputArea-output:has(.jupyter-widgets-disconnected)", index)
        sizes = outputs.nth(index).locator(".jupyter-widgets-disconnected").evaluate_all(
            "views => views.map(v => [v.className, v.getBoundingClientRect().width,"
            " v.getBoundingClientRect().height])")
        assert all(width > 0 and height > 0 for _, width, height in sizes), sizes
    # every control's label (its description) and every text shows as saved
    shown = deck.page.locator(".jp-OutputArea-output:has(.jupyter-widgets-disconnected)"
                              ).evaluate_all("outputs => outputs.map(o => o.innerText)")
    models = drawn_models(deck_notebook(ROOT / "notebooks" / name))
    for model in models:
        # a Play button's description is its tooltip: it shows an icon, not a text
        labels = [] if model["model_name"] == "PlayModel" else [
            model["state"].get("description", ""), *model["state"].get("_options_labels", [])]
        for label in labels:
            assert label in " ".join(shown), f"{name}: label {label!r} not shown"
    texts = deck.page.locator(".jupyter-widgets-disconnected.widget-html").evaluate_all(
        "views => views.filter(v => v.innerText.trim() !== '').length")
    assert texts == sum(1 for model in models if model["model_name"] == "HTMLModel"
                        and model["state"].get("value", "").strip()), f"{name}: {texts}"
    assert deck.remote == [] and deck.errors == []
