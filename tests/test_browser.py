"""Every notebook, run in JupyterLab in a real browser, as a learner would run it.

For each notebook: open it fresh, clear its outputs, Run All Cells, and wait
until every cell has run. Then check that no cell shows an error except the
ones that are meant to (tagged ``raises-exception``), that every widget
rendered, that moving each explorer's slider changes what it shows, and that
the kernel's peak memory stayed under 1 GB (mybinder gives 1-2 GB). A
screenshot of each notebook goes to ``test-artifacts/screenshots``.

Without Chromium these tests skip, saying why; with COURSE_REQUIRE_BROWSER=1
(as in CI) they fail instead.
"""

from __future__ import annotations

import json
import time

import pytest
from browser_support import ROOT, SCREENSHOTS, LabServer, browser_or_skip, launch_chromium

from course_utils import NOTEBOOKS

NOTEBOOK_DIR = ROOT / "notebooks"
MEMORY_RECORD = SCREENSHOTS / "kernel_memory.txt"
MEMORY_LIMIT = 10**9  # bytes: well under mybinder's 1-2 GB
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# True once every code cell the page shows has run: no prompt is queued ([*])
# or empty after clearing ([ ]). Cells whose source is hidden show no number.
ALL_CELLS_RAN = """() => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
    .map(p => p.textContent.trim()).filter(t => t !== '');
  return prompts.length > 0 && prompts.every(t => /^\\[\\d+\\]:$/.test(t));
}"""
# The index of every cell that shows an error or text on stderr.
CELLS_WITH_ERRORS = """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')]
  .map((cell, index) => cell.querySelector(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]') ? index : -1)
  .filter(index => index >= 0)"""


def notebook_json(name: str) -> dict:
    return json.loads((NOTEBOOK_DIR / name).read_text())


def expected_error_cells(notebook: dict) -> set[int]:
    return {index for index, cell in enumerate(notebook["cells"])
            if "raises-exception" in cell.get("metadata", {}).get("tags", [])}


def has_widgets(notebook: dict) -> bool:
    return any(WIDGET_VIEW in output.get("data", {})
               for cell in notebook["cells"] for output in cell.get("outputs", []))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    browser_or_skip()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    MEMORY_RECORD.write_text("")  # this run's numbers only
    server = LabServer(tmp_path_factory.mktemp("lab"))
    yield server
    server.stop()
    assert server.process.poll() is not None, "the JupyterLab server is still running"
    assert not server.kernel_processes(), "a kernel outlived its server"


@pytest.fixture(scope="module")
def browser():
    browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def run_all_cells(page, timeout_ms: int = 240_000) -> None:
    """Clear every output, then Run All Cells and wait until all have run."""
    page.get_by_role("menuitem", name="Edit", exact=True).click()
    page.locator('li[data-command="editmenu:clear-all"]').click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.locator('li[data-command="runmenu:run-all"]').click()
    page.wait_for_function(ALL_CELLS_RAN, timeout=timeout_ms, polling=500)
    # the last cells may be hidden solutions: wait for the kernel to be idle for good
    idle = page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')
    for _ in range(3):
        idle.wait_for(timeout=timeout_ms)
        time.sleep(1)


def move_every_slider(page) -> list[str]:
    """Press the right arrow on each explorer's first slider; list the explorers that did not react.

    An explorer is a cell output holding a slider; what it shows (the
    numbers, the drawing) must change after the key press.
    """
    stuck = []
    explorers = page.locator(".jp-OutputArea-output").filter(has=page.locator(".noUi-handle"))
    for k in range(explorers.count()):
        explorer = explorers.nth(k)
        before = explorer.inner_html()
        handle = explorer.locator(".noUi-handle").first
        handle.scroll_into_view_if_needed()
        handle.focus()
        page.keyboard.press("ArrowRight")
        deadline = time.monotonic() + 10
        while explorer.inner_html() == before and time.monotonic() < deadline:
            time.sleep(0.2)
        if explorer.inner_html() == before:
            stuck.append(f"explorer {k + 1}")
        # let the kernel finish redrawing before anything else happens
        page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').wait_for()
        time.sleep(1)
    return stuck


@pytest.mark.parametrize("name", [nb.filename for nb in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab_in_a_real_browser(lab, browser, name):
    notebook = notebook_json(name)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(lab.url(f"lab/tree/{name}?reset"))
        page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]',
                               timeout=90_000)
        # every cell of the file is on the page (the first load of JupyterLab is slow)
        page.wait_for_function(
            f"document.querySelectorAll('.jp-Notebook .jp-Cell').length === "
            f"{len(notebook['cells'])}", timeout=90_000)
        run_all_cells(page)

        errors = set(page.evaluate(CELLS_WITH_ERRORS))
        assert errors == expected_error_cells(notebook), (
            f"{name}: cells {sorted(errors - expected_error_cells(notebook))} show an error")
        assert page.get_by_text("Error displaying widget").count() == 0
        if has_widgets(notebook):
            assert page.locator(".jupyter-widgets").count() > 0, f"{name}: no widget rendered"
        assert move_every_slider(page) == [], f"{name}: an explorer did not respond"

        kernels = lab.kernel_processes()
        assert len(kernels) == 1, f"expected one kernel, found {kernels}"
        peak = lab.peak_memory_bytes(kernels[0])
        with open(MEMORY_RECORD, "a") as record:
            record.write(f"{name}: peak kernel memory {peak / 1e6:.0f} MB\n")
        assert peak < MEMORY_LIMIT, f"{name}: the kernel peaked at {peak / 1e6:.0f} MB"

        stem = name.removesuffix(".ipynb")
        # the first widget if there is one, else the notebook's opening
        shown = page.locator(".jupyter-widgets")
        if not shown.count():
            shown = page.locator(".jp-Notebook .jp-Cell")
        shown.first.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"{stem}.png"))
    finally:
        page.close()
        lab.shut_down_kernels()


# --------------------------------------------------------------------------
# Lectures: live slides inside JupyterLab (jupyterlab-rise), and exported decks
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", [nb.filename for nb in NOTEBOOKS])
def test_notebook_presents_live_as_slides_with_jupyterlab_rise(lab, browser, name):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(lab.url(f"rise/{name}"))
        page.wait_for_selector(".reveal.ready", timeout=90_000)
        slides = page.locator(".reveal .slides > section").count()
        assert slides >= 5, f"{name}: {slides} slides"
        present = page.locator(".reveal section.present").first.inner_text()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("""previous => {
            const now = document.querySelector('.reveal section.present');
            return now && now.innerText !== previous; }""", arg=present, timeout=10_000)
        assert errors == []
    finally:
        page.close()
        lab.shut_down_kernels()


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """Every notebook's deck, made by `make slides`' own code, next to a copy of its assets."""
    import shutil

    import make_slides

    folder = tmp_path_factory.mktemp("slides")
    shutil.copytree(ROOT / "slides" / "vendor", folder / "vendor")
    return {nb.filename: make_slides.make_deck(ROOT / "notebooks" / nb.filename, folder)
            for nb in NOTEBOOKS}


@pytest.mark.parametrize("name", [nb.filename for nb in NOTEBOOKS])
def test_slide_deck_renders_from_disk_with_no_connection(browser, decks, name):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    local, remote, errors = [], [], []

    def offline(route):
        # everything outside the deck's own folder fails, as with no network
        url = route.request.url
        (local if url.startswith("file://") else remote).append(url)
        route.continue_() if url.startswith("file://") else route.abort()

    page.route("**/*", offline)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(decks[name].as_uri())
        page.wait_for_selector(".reveal.ready", timeout=30_000)
        assert any(url.endswith("vendor/reveal.js/dist/reveal.js") for url in local)
        slides = page.locator(".reveal .slides > section").count()
        assert slides >= 5, f"{name}: {slides} slides"
        assert page.locator(".slide-number").inner_text().startswith("1 /")
        page.screenshot(path=str(SCREENSHOTS / f"{name.removesuffix('.ipynb')}.slides.png"))
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "document.querySelector('.slide-number').innerText.startsWith('2 /')", timeout=5_000)
        # only the widget renderer, MathJax and Mermaid are fetched from the internet
        allowed = ("https://unpkg.com/@jupyter-widgets/", "https://cdnjs.cloudflare.com/ajax/"
                   "libs/mathjax/", "https://cdnjs.cloudflare.com/ajax/libs/mermaid/")
        assert [url for url in remote if not url.startswith(allowed)] == []
        assert errors == []
    finally:
        page.close()
