"""Every notebook, run in JupyterLab in a real browser, as a learner would run it.

For each notebook: open its student copy (the notebook without its
solutions, as `make student` writes it) fresh, clear its outputs, Run All
Cells, and wait until every cell has run. Then check that no cell shows an
error except the ones that are meant to (tagged ``raises-exception``), that
the saved notebook shows the committed text in every cell (nbval's sanitizer
applied, every checker "Not attempted yet"), that every widget rendered,
that moving each explorer's slider changes what it shows, and that the
kernel's peak memory stayed under 1 GB (mybinder gives 1-2 GB). A
screenshot of each notebook goes to ``test-artifacts/screenshots``.

Why the student copy: it is every cell of the notebook but the solutions,
so this one run shows both that the notebook works in JupyterLab and that
the student build runs top to bottom without its solutions. The solutions
themselves run under nbval, which wants a "Correct" verdict from each
(tests/nbval_solutions.py). Running both builds in JupyterLab and under
nbval would execute every notebook four times.

The JupyterLab server (``lab``) and Chromium (``browser``) are shared by
every test of a pytest process (tests/conftest.py): under pytest-xdist each
worker starts at most one of each.

Without Chromium these tests skip, saying why; with COURSE_REQUIRE_BROWSER=1
(as in CI) they fail instead.
"""

from __future__ import annotations

import json
import posixpath
import re
import time
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest
from browser_support import MEMORY_RECORD, ROOT, SCREENSHOTS, axe_violations
import patience  # tools/patience.py (browser_support puts tools/ on the path)
from nbval.plugin import get_sanitize_patterns
from nbval_determinism import TEXT_TYPES, cell_text, difference, measures_time

from course_utils import NOTEBOOKS

NOTEBOOK_DIR = ROOT / "notebooks"
MEMORY_LIMIT = 10**9  # bytes: well under mybinder's 1-2 GB
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# True once every code cell the page shows has run: no prompt is queued ([*])
# or empty after clearing ([ ]). Cells whose source is hidden show no number.
ALL_CELLS_RAN = """() => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
    .map(p => p.textContent.trim()).filter(t => t !== '');
  return prompts.length > 0 && prompts.every(t => /^\\[\\d+\\]:$/.test(t));
}"""
# Some cell has started running (its prompt shows [*] or a number; a cleared one shows [ ]).
A_CELL_STARTED = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
  .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"""
RUN_ALL_ATTEMPTS = 3
# The index of every cell that shows an error or text on stderr.
CELLS_WITH_ERRORS = """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')]
  .map((cell, index) => cell.querySelector(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]') ? index : -1)
  .filter(index => index >= 0)"""


#: nbval's sanitizer (what may differ from one run or machine to the next), as make test uses it
SANITIZE = dict(get_sanitize_patterns((ROOT / "tests" / "nbval_sanitize.cfg").read_text()))


def sanitize(text: str) -> str:
    for regex, replacement in SANITIZE.items():
        text = re.sub(regex, replacement, text)
    return text


def shown(cell) -> str:
    """A code cell's outputs as compared: their text, and the kind of every other output."""
    kinds = [output.get("output_type", "") + ":" + ",".join(
        sorted(set(output.get("data", {})) - set(TEXT_TYPES))) for output in cell.outputs]
    return cell_text(cell.outputs, measures_time(cell), sanitize) + "\n" + " ".join(kinds)


def cells_unlike_the_committed_run(committed, saved) -> list[str]:
    """Each code cell whose saved outputs differ from the committed ones, with the difference."""
    if len(saved.cells) != len(committed.cells):
        return [f"{len(saved.cells)} cells saved, {len(committed.cells)} committed"]
    return [f"cell {index}:\n" + difference(shown(before), shown(after))
            for index, (before, after) in enumerate(zip(committed.cells, saved.cells))
            if before.cell_type == "code" and before.execution_count is not None
            and shown(before) != shown(after)]


def write_student_copy(lab, name: str):
    """The student copy of notebook ``name`` (tools/make_student.py), with its committed outputs.

    It is written to the server's student/ (beside notebooks/, as `make student` writes
    it) with every output cleared and no execution count: whatever the saved file then
    shows, JupyterLab's run put there. Were the save to fail, the comparison would find
    empty cells, not the committed outputs compared with themselves.
    """
    import copy as copying

    import make_student

    committed = make_student.student_copy(nbformat.read(NOTEBOOK_DIR / name, as_version=4))
    blank = copying.deepcopy(committed)
    for cell in blank.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    folder = lab.root / "student"
    folder.mkdir(exist_ok=True)
    nbformat.write(blank, folder / name)
    return committed


def save_notebook(page) -> None:
    """File > Save Notebook, then wait until no tab has unsaved changes."""
    page.get_by_role("menuitem", name="File", exact=True).click()
    page.locator('li[data-command="docmanager:save"]').click()
    page.wait_for_function(
        "!document.querySelector('#jp-main-dock-panel .lm-TabBar-tab.jp-mod-dirty')",
        timeout=patience.milliseconds(20))


def notebook_json(name: str) -> dict:
    return json.loads((NOTEBOOK_DIR / name).read_text())


def expected_error_cells(notebook: dict) -> set[int]:
    return {index for index, cell in enumerate(notebook["cells"])
            if "raises-exception" in cell.get("metadata", {}).get("tags", [])}


def has_widgets(notebook: dict) -> bool:
    return any(WIDGET_VIEW in output.get("data", {})
               for cell in notebook["cells"] for output in cell.get("outputs", []))


def run_all_cells(page, timeout_ms: int | None = None) -> None:
    """Clear every output, then Run All Cells and wait until all have run.

    The slowest notebook runs in well under a minute alone; the deadline is 2 minutes of
    that, stretched for a loaded machine (tools/patience.py).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    timeout_ms = patience.milliseconds(120) if timeout_ms is None else timeout_ms
    page.get_by_role("menuitem", name="Edit", exact=True).click()
    page.locator('li[data-command="editmenu:clear-all"]').click()
    # Under load a click on the menu's item is now and then lost (seen once in a fresh
    # make test: outputs cleared, the kernel idle for 15 minutes). Run All is pressed again
    # only when no cell has started: a cell that started shows [*] or its number.
    for attempt in range(1, RUN_ALL_ATTEMPTS + 1):
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.locator('li[data-command="runmenu:run-all"]').click()
        try:
            page.wait_for_function(A_CELL_STARTED, timeout=patience.milliseconds(10),
                                   polling=250)
            break
        except PlaywrightTimeout:
            if attempt == RUN_ALL_ATTEMPTS:
                raise AssertionError(f"Run All was pressed {attempt} times and no cell "
                                     "started") from None
            page.keyboard.press("Escape")  # a menu left open
    page.wait_for_function(ALL_CELLS_RAN, timeout=timeout_ms, polling=500)
    # the last cells may be hidden solutions: wait for the kernel to be idle for good
    idle = page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')
    for _ in range(3):
        idle.wait_for(timeout=timeout_ms)
        time.sleep(1)


# Every control of an explorer a keyboard user must reach: slider handles, buttons, inputs.
# (a slider's readout is an editable box; a hidden or disabled button is not in the Tab order)
CONTROLS = (".noUi-handle, button:not([disabled]), input:not([disabled]), select, "
            "[contenteditable=true]")
# The element that has the focus, as a description: its role/tag, label and classes.
FOCUSED = """() => { const e = document.activeElement;
  return e ? (e.getAttribute('role') || e.tagName) + '|' + (e.getAttribute('aria-label') ||
  e.title || e.textContent.trim()) + '|' + e.className : ''; }"""


def wait_for_change(read, before: str, seconds: float | None = None) -> str:
    # an explorer's update takes a fraction of a second alone
    seconds = patience.seconds(3) if seconds is None else seconds
    deadline = time.monotonic() + seconds
    now = read()
    while now == before and time.monotonic() < deadline:
        time.sleep(0.2)
        now = read()
    return now


def drive_explorers_by_keyboard(page) -> list[str]:
    """Drive every explorer with the keyboard alone; list what failed.

    An explorer is a cell output holding a slider and a state line (a
    ``role=status`` live region). From its first control, Tab must reach
    every other control, in order; on each slider the right arrow, and on
    each not-pressed toggle button the space bar, must change the state line.
    """
    problems = []
    explorers = page.locator(".jp-OutputArea-output").filter(has=page.locator(".noUi-handle"))
    for k in range(explorers.count()):
        explorer = explorers.nth(k)
        name = f"explorer {k + 1}"
        status = explorer.locator("[role=status][aria-live=polite]")
        if status.count() != 1:
            problems.append(f"{name}: {status.count()} state lines (role=status, aria-live)")
            continue
        controls = explorer.locator(CONTROLS).filter(visible=True)
        count = controls.count()
        controls.first.scroll_into_view_if_needed()
        controls.first.focus()
        for index in range(count):
            if index:
                page.keyboard.press("Tab")
            control = controls.nth(index)
            if not control.evaluate("c => c === document.activeElement"):
                problems.append(f"{name}: Tab did not reach control {index + 1} of {count} "
                                f"({control.evaluate('c => c.outerHTML.slice(0, 80)')}); the "
                                f"focus is on {page.evaluate(FOCUSED)}")
                break
            is_slider = control.evaluate("c => c.classList.contains('noUi-handle')")
            pressed = control.evaluate("c => c.classList.contains('mod-active')")
            in_toggles = control.evaluate("c => !!c.closest('.widget-toggle-buttons')")
            if not (is_slider or (in_toggles and not pressed)):
                continue
            before = status.inner_text()
            page.keyboard.press("ArrowRight" if is_slider else "Space")
            after = wait_for_change(status.inner_text, before)
            if after == before:
                problems.append(f"{name}: control {index + 1} ({'slider' if is_slider else 'button'}"
                                f") did not change the state line {before!r}")
            # let the kernel finish redrawing before the next key
            page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').wait_for()
            time.sleep(0.5)
            control.focus()  # a toggle button's press re-renders the group; keep the place
    return problems


@pytest.mark.parametrize("name", [nb.filename for nb in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab_in_a_real_browser(lab, browser, name):
    notebook = write_student_copy(lab, name)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(lab.url(f"lab/tree/student/{name}?reset"))
        page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]',
                               timeout=patience.milliseconds(30))
        # every cell of the file is on the page (the first load of JupyterLab is slow)
        page.wait_for_function(
            f"document.querySelectorAll('.jp-Notebook .jp-Cell').length === "
            f"{len(notebook['cells'])}", timeout=patience.milliseconds(30))
        run_all_cells(page)

        errors = set(page.evaluate(CELLS_WITH_ERRORS))
        assert errors == expected_error_cells(notebook), (
            f"{name}: cells {sorted(errors - expected_error_cells(notebook))} show an error")
        # saved before the explorers are driven: what Run All showed, cell by cell
        save_notebook(page)
        saved = nbformat.read(lab.root / "student" / name, as_version=4)
        not_run = [index for index, cell in enumerate(saved.cells)
                   if cell.cell_type == "code" and cell.execution_count is None]
        assert not_run == [], f"{name}: the saved notebook has cells that did not run: {not_run}"
        unlike = cells_unlike_the_committed_run(notebook, saved)
        assert not unlike, (f"{name}, student copy run in JupyterLab: cells show other text "
                            "than the committed run:\n" + "\n".join(unlike))
        assert page.get_by_text("Error displaying widget").count() == 0
        if has_widgets(notebook):
            assert page.locator(".jupyter-widgets").count() > 0, f"{name}: no widget rendered"
        serious, _ = axe_violations(page, name.removesuffix(".ipynb"))
        assert serious == [], f"{name}: axe-core finds in the course's content:\n" + "\n".join(
            serious)
        problems = drive_explorers_by_keyboard(page)
        assert problems == [], f"{name}: " + "\n".join(problems)
        # every figure's description reaches the alt of the <img> JupyterLab shows
        images = page.locator(".jp-OutputArea-output img")
        alts = images.evaluate_all("imgs => imgs.map(i => i.getAttribute('alt') || '')")
        figures = sum(1 for cell in notebook["cells"] for output in cell.get("outputs", [])
                      if "image/png" in output.get("data", {}))
        assert len(alts) >= figures and all(len(alt) >= 40 for alt in alts), (
            f"{name}: {figures} figures, images with their alt text: {alts}")

        kernels = lab.kernel_processes()
        assert len(kernels) == 1, f"expected one kernel, found {kernels}"
        peak = lab.peak_memory_bytes(kernels[0])
        with open(MEMORY_RECORD, "a") as record:
            record.write(f"{name}: peak kernel memory {peak / 1e6:.0f} MB\n")
        assert peak < MEMORY_LIMIT, f"{name}: the kernel peaked at {peak / 1e6:.0f} MB"

        stem = name.removesuffix(".ipynb")
        # the first widget if there is one, else the notebook's opening
        pictured = page.locator(".jupyter-widgets")
        if not pictured.count():
            pictured = page.locator(".jp-Notebook .jp-Cell")
        pictured.first.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"{stem}.png"))
    finally:
        page.close()
        lab.shut_down_kernels()


def test_the_saved_run_is_compared_cell_by_cell_and_a_change_is_named():
    """No browser needed: the comparison the JupyterLab run ends with, on edited copies."""
    import copy as copying

    import make_student

    committed = make_student.student_copy(
        nbformat.read(NOTEBOOK_DIR / NOTEBOOKS[0].filename, as_version=4))
    assert cells_unlike_the_committed_run(committed, copying.deepcopy(committed)) == []
    code = [i for i, c in enumerate(committed.cells) if c.cell_type == "code"]
    printed = next(i for i in code if any(o.output_type == "stream" and any(
        ch.isdigit() for ch in o.text) for o in committed.cells[i].outputs))
    figure = next(i for i in code if any("image/png" in o.get("data", {})
                                         for o in committed.cells[i].outputs))
    checker = next(i for i in code if "cu.check_" in committed.cells[i].source)
    saved = copying.deepcopy(committed)
    stream = next(o for o in saved.cells[printed].outputs if o.output_type == "stream")
    stream.text = re.sub(r"\d", "7", stream.text, count=1)  # a number printed otherwise
    saved.cells[figure].outputs = [o for o in saved.cells[figure].outputs
                                   if "image/png" not in o.get("data", {})]  # a figure missing
    for output in saved.cells[checker].outputs:  # a checker that said something else
        if "text" in output:
            output.text = output.text.replace("Not attempted yet", "Correct")
        for mime in set(TEXT_TYPES) & set(output.get("data", {})):
            output.data[mime] = output.data[mime].replace("Not attempted yet", "Correct")
    unlike = cells_unlike_the_committed_run(committed, saved)
    assert [text.split(":")[0] for text in unlike] == [
        f"cell {i}" for i in sorted({printed, figure, checker})], unlike
    assert any("-" in text and "+" in text and "Correct" in text for text in unlike)
    # what nbval's sanitizer masks (a memory address) is not a difference
    address = copying.deepcopy(committed)
    address.cells[printed].outputs[0].text += "\n<object at 0x7f3a9c0d1e20>"
    changed = copying.deepcopy(address)
    changed.cells[printed].outputs[0].text = changed.cells[printed].outputs[0].text.replace(
        "0x7f3a9c0d1e20", "0x55d0c0ffee00")
    assert cells_unlike_the_committed_run(address, changed) == []
    assert cells_unlike_the_committed_run(committed, address) != []
    fewer = copying.deepcopy(committed)
    fewer.cells.pop()
    assert cells_unlike_the_committed_run(committed, fewer) == [
        f"{len(fewer.cells)} cells saved, {len(committed.cells)} committed"]


# --------------------------------------------------------------------------
# A first run with no dead ends: every link opens its target, nothing covers the notebook
# --------------------------------------------------------------------------

MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
# Links the notebooks' authors wrote, as JupyterLab renders them (not its heading anchors).
AUTHORED_LINKS = ".jp-RenderedHTMLCommon a[href]:not(.jp-InternalAnchorLink)"
CURRENT_TAB = "#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current"


def authored_links(cells, folder: str) -> list[str]:
    """Each link of the markdown cells, in order: a path from the server's root, or a URL."""
    found = []
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for link in MARKDOWN_LINK.findall(source):
            if link.startswith(("http://", "https://")):
                # as the browser writes it: https://d2l.ai is https://d2l.ai/
                parsed = urllib.parse.urlparse(link)
                found.append(urllib.parse.urlunparse(parsed._replace(path=parsed.path or "/")))
            elif link.startswith("#"):
                found.append(link)
            else:
                found.append(posixpath.normpath(posixpath.join(folder, link)))
    return found


def rendered_target(href: str, base: str) -> str:
    """What a rendered link points at: a path from the server's root, a #section, or a URL."""
    if not href.startswith(base):
        return href
    parsed = urllib.parse.urlparse(href)
    path = urllib.parse.unquote(parsed.path)
    if path.startswith("/files/"):
        return path.removeprefix("/files/")
    assert parsed.fragment, f"a link on the server that is neither a file nor a section: {href}"
    return f"#{parsed.fragment}"


def is_local(target: str) -> bool:
    return not target.startswith(("http://", "https://"))


def title_of(path: Path) -> str:
    """The first heading of a notebook or Markdown file, as JupyterLab shows it."""
    if path.suffix == ".ipynb":
        text = "\n".join("".join(c["source"]) for c in notebook_json(path.name)["cells"]
                         if c["cell_type"] == "markdown")
    else:
        text = path.read_text()
    return next(line[2:].strip() for line in text.splitlines() if line.startswith("# "))


def current_document(page):
    """The main-area widget whose tab is current, once its tab is there."""
    tab = page.locator(CURRENT_TAB)
    return page.locator(f"[id='{tab.get_attribute('data-id')}']")


def open_tab(page, path: str) -> None:
    """Bring the open document ``path`` (from the server's root) to the front."""
    tabs = page.locator("#jp-main-dock-panel .lm-TabBar-tab")
    for k in range(tabs.count()):
        if f"Path: {path}\n" in (tabs.nth(k).get_attribute("title") or "") + "\n":
            tabs.nth(k).click()
            page.wait_for_function(
                f"document.querySelector({json.dumps(CURRENT_TAB)})"
                f".getAttribute('title').includes({json.dumps('Path: ' + path)})")
            return
    raise AssertionError(f"{path} is not open")


def check_opened(page, target: str) -> str | None:
    """None when the current tab shows ``target`` rendered, else what went wrong."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            f"(document.querySelector({json.dumps(CURRENT_TAB)})?.getAttribute('title') || '')"
            f".includes({json.dumps('Path: ' + target)})", timeout=patience.milliseconds(10))
    except PlaywrightTimeout:
        shown = page.locator(CURRENT_TAB).get_attribute("title")
        return f"opened nothing new (the front tab is {shown!r})"
    file = ROOT / target
    if file.suffix not in (".ipynb", ".md"):
        # any other file (LICENSE, pyproject.toml) opens in the text editor
        editor = current_document(page).locator(".cm-content")
        editor.wait_for(timeout=patience.milliseconds(10))
        first = file.read_text().splitlines()[0]
        return None if first in editor.inner_text() else f"shows no {first!r}"
    # a notebook, or Markdown as a page (the course's settings: not as source in an editor)
    heading = current_document(page).locator(".jp-RenderedMarkdown h1").first
    try:
        heading.wait_for(timeout=patience.milliseconds(10))
    except PlaywrightTimeout:
        return "opened, but not rendered: no heading"
    expected = title_of(file)
    return None if heading.inner_text().strip().rstrip("¶") == expected else (
        f"shows {heading.inner_text()!r}, not {expected!r}")


def click_every_link(page, context, source: str, expected: list[str],
                     local_only: bool = False) -> list[str]:
    """Click each link of the open document ``source``; list the dead ones.

    With ``local_only``, only the links within the course (files and sections).
    """
    open_tab(page, source)
    document = current_document(page)
    base = page.url.split("/lab")[0]
    rendered = document.locator(AUTHORED_LINKS)
    shown = [rendered_target(rendered.nth(k).evaluate("a => a.href"), base)
             for k in range(rendered.count())]
    if local_only:
        expected = [target for target in expected if is_local(target)]
    assert [t for t in shown if is_local(t) or not local_only] == expected, (
        f"{source}: JupyterLab shows the links {shown}, the file has {expected}")
    dead = []
    for k in (k for k, target in enumerate(shown) if is_local(target) or not local_only):
        target = shown[k]
        link = document.locator(AUTHORED_LINKS).nth(k)
        link.scroll_into_view_if_needed()
        if target.startswith(("http://", "https://")):
            # outside the course: a new browser tab at that address (served by a stub here,
            # since the tests run offline)
            with context.expect_page(timeout=patience.milliseconds(3)) as popup:
                link.click()
            if popup.value.url != target:
                dead.append(f"{source} -> {target}: opened {popup.value.url}")
            popup.value.close()
        elif target.startswith("#"):
            anchor = document.locator(f"[id='{target[1:]}']")
            if anchor.count() != 1:
                dead.append(f"{source} -> {target}: no such section on the page")
        else:
            link.click()
            problem = check_opened(page, target)
            if problem:
                dead.append(f"{source} -> {target}: {problem}")
            open_tab(page, source)
    return dead


def test_every_link_opens_its_target_and_nothing_covers_the_first_notebook(lab, browser):
    """Like a learner after `make lab`: every notebook's links, then the course index's."""
    with urllib.request.urlopen(lab.url(
            "lab/api/settings/@jupyterlab/apputils-extension:notification"), timeout=10) as reply:
        settings = json.loads(reply.read())
    # the course's settings (lab-settings/, installed with the course) reach the server
    assert settings["schema"]["properties"]["fetchNews"]["default"] == "false", settings["schema"]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"),
                  lambda route: route.fulfill(status=200, body="stub", content_type="text/plain"))
    page = context.new_page()
    try:
        page.goto(lab.url(f"lab/tree/notebooks/{NOTEBOOKS[0].filename}?reset"))
        page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]',
                               timeout=patience.milliseconds(30))
        time.sleep(3)  # JupyterLab's start-up notifications come a moment after the page
        assert page.get_by_text("official Jupyter news").count() == 0, "the news box is shown"
        assert page.locator(".Toastify__toast").count() == 0, (
            f"a notification covers the notebook: {page.locator('.Toastify__toast').all_inner_texts()}")
        page.screenshot(path=str(SCREENSHOTS / "first_start.png"))
        # opened as committed, not run (so not trusted: JupyterLab sanitizes the HTML), every
        # figure still shows, with its description as alt text
        images = page.locator(".jp-OutputArea-output img")
        images.first.wait_for(timeout=patience.milliseconds(10))
        page.wait_for_function("[...document.querySelectorAll('.jp-OutputArea-output img')]"
                               ".every(i => i.complete)", timeout=patience.milliseconds(10))
        shown = images.evaluate_all(
            "imgs => imgs.map(i => [i.getAttribute('src').slice(0, 22), i.alt, i.naturalWidth])")
        figures = sum(1 for cell in notebook_json(NOTEBOOKS[0].filename)["cells"]
                      for output in cell.get("outputs", []) if "image/png" in output.get("data", {}))
        assert len(shown) == figures and all(
            src == "data:image/png;base64," and len(alt) >= 40 and width > 100
            for src, alt, width in shown), shown
        dead = []
        for notebook in NOTEBOOKS:  # each is open: the previous one's "Next" link opened it
            path = f"notebooks/{notebook.filename}"
            cells = notebook_json(notebook.filename)["cells"]
            dead += click_every_link(page, context, path, authored_links(cells, "notebooks"))
        # the course index (README.md, opened by each notebook's first link): its links
        # within the course, the notebooks first
        readme = [{"cell_type": "markdown", "source": (ROOT / "README.md").read_text()}]
        local = [t for t in authored_links(readme, "") if is_local(t)]
        assert {f"notebooks/{n.filename}" for n in NOTEBOOKS} <= set(local)
        dead += click_every_link(page, context, "README.md", local, local_only=True)
        assert not dead, "links that do not open their target:\n" + "\n".join(dead)
    finally:
        context.close()
        lab.shut_down_kernels()
