"""The course website (`make site`): built offline, every page read in Chromium with nothing
fetched from another machine.

One build, one server, every page opened once. The site is built by `make site`'s own
code (tools/build_site.py: sphinx-build with warnings as errors) into a temporary folder,
in a process that refuses every connection off this machine (tests/no_network.py; CI
also cuts the network), then served on 127.0.0.1 by the same server as `make site-serve`.
Debian's Chromium opens every page with every request that leaves 127.0.0.1 refused and
recorded, and checks on each: no failed request and no page error; every formula
typeset by the vendored MathJax; every widget snapshot drawn; the ``<img alt>`` list equal
to the notebook's; one closed solution control per solution cell, whose accessible name
is its visible text; the download byte-equal to the committed notebook; the launch,
clone and canonical links from the one setting of pyproject.toml; previous and next in
the course's order; axe-core finds no serious or critical violation in the course's
content. Search finds a notebook by its title.

What a page should hold is read from the notebook or Markdown file at test time, never
written here: the figures' descriptions, the solution cells, the saved widget state.

Without Chromium these tests skip, saying why; with COURSE_REQUIRE_BROWSER=1 (as in CI)
they fail instead.
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
import tomllib
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from browser_support import ROOT, SCREENSHOTS, axe_violations
from deck_facts import FORMULA, VIEW_CLASS, WIDGET_STATE, WIDGET_VIEW
import patience  # tools/patience.py (browser_support puts tools/ on the path)

from course_utils import NOTEBOOKS

TOOLS = ROOT / "tools"


def load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


build_site = load("build_site", TOOLS / "build_site.py")
course_site = load("course_site", ROOT / "site" / "course_site.py")

#: The one setting each (pyproject.toml, [tool.course]), read here with tomllib.
SETTINGS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["course"]
REPOSITORY, SITE_URL = SETTINGS["repository"], SETTINGS["site-url"]
README = (ROOT / "README.md").read_text(encoding="utf-8")
#: The pages of docs/ in the order the README links them (each must be linked: Sphinx
#: warns about a page in no table of contents, and the build fails on a warning).
DOCS = list(dict.fromkeys(re.findall(r"\]\((docs/[\w.-]+\.md)(?:#[^)]*)?\)", README)))
#: Every source page in the site's order: the front page, the notebooks, the docs pages.
SOURCES = ["README.md", *(f"notebooks/{n.filename}" for n in NOTEBOOKS), *DOCS]
SOLUTION_TEXT = ("Show the solution", "Hide the solution")
#: The page build takes well under a minute alone; a loaded machine (make test's workers,
#: other jobs) slows it: tools/patience.py stretches the deadline.
BUILD_SECONDS = 100
#: A page's scripts (MathJax, the widget renderer) finish after it loads; what is awaited
#: has a deadline of this much alone, plus a second for each thing awaited, stretched by
#: tools/patience.py for a busy machine.
SETTLE_SECONDS = 10
# What the site's own pages are made of, for axe-core: the article is the course's
# (its Markdown, the cells and their outputs, the run-it line, solution controls,
# captions); the heading anchors the theme adds inside it are the theme's.
ARTICLE = "article.bd-article"
THEME_IN_ARTICLE = "a.headerlink"
# The guarded build: sphinx-build in a Python that refuses connections off this machine.
GUARDED = ("import importlib.util, sys\n"
           "spec = importlib.util.spec_from_file_location('nn', sys.argv.pop(1))\n"
           "nn = importlib.util.module_from_spec(spec); spec.loader.exec_module(nn)\n"
           "nn.install()\n"
           "from sphinx.cmd.build import main\n"
           "sys.exit(main(sys.argv[1:]))\n")


# --------------------------------------------------------------------------
# What a page should show, read from its source
# --------------------------------------------------------------------------


def page_of(source: str) -> str:
    """The page a source becomes: notebooks/01_x.ipynb -> notebooks/01_x.html."""
    return str(Path(source).with_suffix(".html"))


def binder_link(path: str) -> str:
    return ("https://mybinder.org/v2/gh/" + REPOSITORY + "/HEAD?urlpath=lab/tree/"
            + urllib.parse.quote(path))


def alt_of(output: dict) -> str:
    """A figure's description as the notebook gives it: the PNG's alt in the output's
    metadata, else the alt of the <img> in its HTML form."""
    alt = output.get("metadata", {}).get("image/png", {}).get("alt")
    if alt is None:
        found = re.search(r'<img [^>]*alt="([^"]*)"', "".join(output["data"].get("text/html", "")))
        alt = html.unescape(found.group(1)) if found else ""
    return alt


def expected_notebook(path: Path) -> dict:
    """Figures' alts (in page order), solution cells, drawn widget views, explorers, formulas."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    state = notebook.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    alts, views, formulas, solutions, explorers = [], Counter(), 0, 0, 0

    def walk(model_id: str) -> bool:
        """Count the views of a saved widget tree, its figures in page order; True when
        it holds a control (ipywidgets gives every control, and only those, `disabled`)."""
        model = state[model_id]
        views[model["model_name"]] += 1
        for output in model["state"].get("outputs", []):
            if "image/png" in output.get("data", {}):
                alts.append(alt_of(output))
        control = "disabled" in model["state"]
        for child in model["state"].get("children", []):
            control = walk(child.removeprefix("IPY_MODEL_")) or control
        return control

    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            formulas += len(FORMULA.findall(source))
        solutions += "solution" in cell.get("metadata", {}).get("tags", [])
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                explorers += walk(data[WIDGET_VIEW]["model_id"])
            elif "image/png" in data:
                alts.append(alt_of(output))
    return {"alts": alts, "views": views, "formulas": formulas, "solutions": solutions,
            "explorers": explorers}


def expected_markdown(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return {"alts": re.findall(r"!\[([^\]]*)\]\(", text), "views": Counter(), "formulas": None,
            "solutions": 0, "explorers": 0}


def expected(source: str) -> dict:
    path = ROOT / source
    return expected_notebook(path) if path.suffix == ".ipynb" else expected_markdown(path)


# --------------------------------------------------------------------------
# The site, built once and served once
# --------------------------------------------------------------------------


class Site:
    """The built site, served on 127.0.0.1, and a browser context that refuses the rest."""

    def __init__(self, browser, folder: Path):
        start = time.perf_counter()
        command = build_site.sphinx_command(folder)
        command[1:3] = ["-c", GUARDED, str(ROOT / "tests" / "no_network.py")]
        build = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                               timeout=patience.seconds(BUILD_SECONDS))
        self.build_seconds = time.perf_counter() - start
        self.build_output = build.stdout + build.stderr
        assert build.returncode == 0, f"the site did not build:\n{self.build_output[-3000:]}"
        self.html = folder / "html"
        self.server = build_site.serve(self.html, port=0)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.remote: list[str] = []
        self.context.route(re.compile(r"^(?!" + re.escape(self.base) + ")"), self._refuse)

    def _refuse(self, route) -> None:
        self.remote.append(route.request.url)
        route.abort()

    def fetch(self, url: str) -> bytes:
        assert url.startswith(self.base), url
        with urllib.request.urlopen(url, timeout=30) as reply:
            return reply.read()

    def close(self) -> None:
        self.context.close()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory):
    built = Site(browser, tmp_path_factory.mktemp("site"))
    print(f"\nthe site built in {built.build_seconds:.1f} s")
    yield built
    built.close()


class OpenPage:
    """One page, loaded and settled: its formulas typeset and its widget views drawn."""

    def __init__(self, site: Site, path: str, views: int = 0):
        self.site, self.path = site, path
        self.page = site.context.new_page()
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.page.on("requestfailed", lambda request: self.failed.append(
            f"{request.url}: {request.failure}"))
        self.page.on("response", lambda response: self.failed.append(
            f"{response.url}: HTTP {response.status}") if response.status >= 400 else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(site.base + path, wait_until="load")
        formulas = self.page.locator(".math").count()
        if formulas:  # MathJax 2 typesets after the page has loaded
            self.page.wait_for_function(
                """() => window.MathJax && MathJax.Hub && MathJax.isReady
                   && MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0""",
                timeout=patience.milliseconds(SETTLE_SECONDS + formulas), polling=200)
        if views:  # so does the widget renderer
            self.page.wait_for_function(
                "n => document.querySelectorAll('.jupyter-widgets-disconnected').length >= n",
                arg=views, timeout=patience.milliseconds(SETTLE_SECONDS + views), polling=200)
        self.page.wait_for_function(
            "() => [...document.images].every(image => image.complete)",
            timeout=patience.milliseconds(SETTLE_SECONDS), polling=200)

    def accessible_names(self, role: str) -> list[str]:
        """The names Chromium's accessibility tree gives the elements of ``role``."""
        session = self.page.context.new_cdp_session(self.page)
        try:
            document = session.send("DOM.getDocument")["root"]["nodeId"]
            found = session.send("Accessibility.queryAXTree",
                                 {"nodeId": document, "role": role})["nodes"]
        finally:
            session.detach()
        return [node.get("name", {}).get("value", "") for node in found
                if not node.get("ignored")]

    def links(self, selector: str = "a[href]") -> list[str]:
        return self.page.locator(selector).evaluate_all("links => links.map(a => a.href)")

    def close(self) -> None:
        self.page.close()


# --------------------------------------------------------------------------
# Without a browser: the settings, and the pieces of the site's extension
# --------------------------------------------------------------------------


def test_the_repository_is_one_setting_and_every_binder_link_follows_it():
    assert course_site.course_settings() == {"repository": REPOSITORY, "site-url": SITE_URL}
    first = f"notebooks/{NOTEBOOKS[0].filename}"
    # the README's badge and every Binder link in the Markdown pages come from the setting
    for source in ["README.md", *DOCS]:
        for link in re.findall(r"https://mybinder\.org/v2/gh/[^)\s\"']+",
                               (ROOT / source).read_text(encoding="utf-8")):
            assert link == binder_link(first), (
                f"{source} links to {link}: with repository = {REPOSITORY!r} in "
                f"pyproject.toml's [tool.course] it must be {binder_link(first)}")
    assert binder_link(first) in README
    assert course_site.binder_url(REPOSITORY, first) == binder_link(first)


def test_the_settings_are_checked_when_read(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    for table, problem in (('repository = "just-a-name"\nsite-url = ""', "owner/name"),
                           ('repository = "a/b"\nsite-url = "example.org"', "site-url"),
                           ('site-url = ""', "owner/name")):
        pyproject.write_text(f"[tool.course]\n{table}\n")
        with pytest.raises(ValueError, match=problem):
            course_site.course_settings(pyproject)
    pyproject.write_text('[tool.course]\nrepository = "you/your-fork"\nsite-url = ""\n')
    assert course_site.course_settings(pyproject)["repository"] == "you/your-fork"


def test_every_docs_page_is_linked_from_the_readme_and_has_one_title():
    pages = sorted(f"docs/{path.name}" for path in (ROOT / "docs").glob("*.md"))
    assert sorted(DOCS) == pages, "every page of docs/ is linked from the README, and no other"
    assert course_site.linked_pages(README) == [page.removesuffix(".md") for page in DOCS]
    for page in pages:
        titles = re.findall(r"^# ", (ROOT / page).read_text(encoding="utf-8"), re.M)
        assert len(titles) == 1, f"{page}: {len(titles)} H1 titles"


def test_an_explorer_is_a_snapshot_with_a_control_and_a_progress_bar_is_not():
    state = {"box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_bar"]}},
             "bar": {"model_name": "IntProgressModel", "state": {}},
             "panel": {"model_name": "HBoxModel",
                       "state": {"children": ["IPY_MODEL_text", "IPY_MODEL_slider"]}},
             "text": {"model_name": "HTMLModel", "state": {}},
             "slider": {"model_name": "IntSliderModel", "state": {"disabled": False}}}
    assert not course_site.is_explorer(state, "box")
    assert course_site.is_explorer(state, "panel")


def test_make_site_builds_into_the_ignored_build_folder_with_warnings_as_errors():
    command = build_site.sphinx_command(build_site.BUILD, python="py")
    assert command[:3] == ["py", "-m", "sphinx"] and "--fail-on-warning" in command
    assert "--fresh-env" in command  # every build starts afresh
    assert command[command.index("--conf-dir") + 1] == str(ROOT / "site")
    assert command[-2:] == [str(ROOT), str(build_site.BUILD / "html")]
    assert build_site.BUILD.relative_to(ROOT).parts[0] == "build"
    assert "build/" in (ROOT / ".gitignore").read_text().splitlines()


# --------------------------------------------------------------------------
# The built site in Chromium
# --------------------------------------------------------------------------


def test_the_site_has_every_page_and_the_front_page_is_the_readme(site):
    built = sorted(str(path.relative_to(site.html)) for path in site.html.rglob("*.html")
                   if not {"_static", "_sources", "_images"} & set(path.parts))
    assert built == sorted([*map(page_of, SOURCES), "index.html", "search.html",
                            "genindex.html"]), built
    # any static host serves index.html at the root: it is the README's page
    assert (site.html / "index.html").read_bytes() == (site.html / "README.html").read_bytes()
    assert site.build_output.strip() == "", f"sphinx-build said:\n{site.build_output}"
    # GitHub Pages would otherwise drop the folders that start with "_"
    assert (site.html / ".nojekyll").exists()
    # make site-serve's server (the one serving here) listens on this machine only
    assert site.server.server_address[0] == "127.0.0.1"


@pytest.mark.parametrize("source", SOURCES)
def test_every_page_shows_what_its_source_holds_with_nothing_from_elsewhere(site, source):
    facts = expected(source)
    path = "index.html" if source == "README.md" else page_of(source)
    opened = OpenPage(site, path, views=sum(facts["views"].values()))
    page = opened.page
    name = Path(source).stem
    try:
        # formulas: every one typeset by MathJax 2 (no TeX source left), as many as written
        shown = page.locator(".math").count()
        typeset = page.locator(".math .MathJax_CHTML").count()
        assert typeset == shown, f"{source}: {typeset} of {shown} formulas typeset"
        if facts["formulas"] is not None:
            assert shown == facts["formulas"], (source, shown, facts["formulas"])
        # widget snapshots: every saved view drawn, by kind; a caption under each explorer
        drawn = Counter({model: page.locator(f".jupyter-widgets-disconnected.{css}").count()
                         for model, css in VIEW_CLASS.items()})
        assert not set(facts["views"]) - set(VIEW_CLASS), "say which class a view has"
        assert +drawn == facts["views"], f"{source}: drawn {dict(drawn)}, saved {facts['views']}"
        captions = page.locator("p.course-snapshot").all_inner_texts()
        assert len(captions) == facts["explorers"], (source, captions)
        assert all("snapshot" in text and "Binder" in text and "make lab" in text
                   for text in captions), captions
        # figures: the <img alt> list is the notebook's, in order
        alts = page.locator(f"{ARTICLE} img").evaluate_all(
            "images => images.map(i => [i.getAttribute('alt'), i.naturalWidth])")
        assert [alt for alt, _ in alts] == facts["alts"], f"{source}: alt texts differ"
        assert all(width > 0 for _, width in alts), f"{source}: an image did not load"
        # solutions: closed, one control per solution cell, named by its visible text
        closed = page.locator("details.course-solution:not([open]) > summary")
        assert closed.count() == facts["solutions"] == page.locator(f"{ARTICLE} details").count()
        assert closed.evaluate_all("summaries => summaries.filter(s => s.hasAttribute("
                                   "'aria-label') || s.hasAttribute('aria-labelledby')).length"
                                   ) == 0
        assert closed.all_inner_texts() == [SOLUTION_TEXT[0]] * facts["solutions"]
        names = opened.accessible_names("DisclosureTriangle")
        assert names == [SOLUTION_TEXT[0]] * facts["solutions"], names
        # the run-it line: Binder and clone from the setting; a notebook's download is the file
        run_it = page.locator(".course-run")
        assert run_it.count() == 1
        clone = f"git clone https://github.com/{REPOSITORY}"
        assert clone in run_it.inner_text() and "make lab" in run_it.inner_text()
        launch = source if source.endswith(".ipynb") else f"notebooks/{NOTEBOOKS[0].filename}"
        binder = [link for link in opened.links() if link.startswith("https://mybinder.org/v2/")]
        assert binder and set(binder) == {binder_link(launch)}, (source, set(binder))
        if source.endswith(".ipynb"):
            download = opened.links(".course-run a[download]")
            assert len(download) == 1
            assert site.fetch(download[0]) == (ROOT / source).read_bytes(), (
                f"{source}: the download is not the committed notebook")
        canonical = page.locator("link[rel=canonical]").get_attribute("href")
        assert canonical == SITE_URL + page_of(source), canonical
        # previous and next in the course's order; a notebook's own line to the index
        order = [page_of(s) for s in SOURCES]
        position = order.index(page_of(source))
        for selector, step in (("a.left-prev", -1), ("a.right-next", 1)):
            targets = [urllib.parse.urlparse(link).path.lstrip("/")
                       for link in opened.links(selector)]
            neighbour = position + step
            assert targets == ([order[neighbour]] if 0 <= neighbour < len(order) else []), (
                source, selector, targets)
        if source.endswith(".ipynb"):
            index = [link for link in opened.links(f"{ARTICLE} a")
                     if urllib.parse.urlparse(link).path == "/README.html"]
            assert index, f"{source}: no link to the course index"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"site-{name}.png"))
        # what the page asked for, all of it answered (before axe-core, which fetches the
        # style sheets again on its own and resolves their @import against the page)
        assert opened.failed == [], f"{source}: failed requests {opened.failed}"
        assert opened.errors == [], f"{source}: page errors {opened.errors}"
        assert site.remote == [], f"requests that would leave the machine: {site.remote}"
        # axe-core: nothing serious in the course's content (the solution controls'
        # names are checked against their text too: an experimental rule, named here)
        serious, _ = axe_violations(page, f"site-{name}", content=ARTICLE,
                                    host=THEME_IN_ARTICLE, rules=("label-content-name-mismatch",))
        assert serious == [], f"{source}: axe-core finds in the course's content:\n" + (
            "\n".join(serious))
        # a solution opens, and its control then says how to close it
        if facts["solutions"]:
            control = closed.first
            control.click()
            opened_one = page.locator("details.course-solution[open]")
            opened_one.first.wait_for(timeout=patience.milliseconds(2))
            assert opened_one.first.locator("summary").inner_text() == SOLUTION_TEXT[1]
            assert opened_one.first.locator("div.cell_input").is_visible()
        assert opened.errors == [], f"{source}: page errors {opened.errors}"
        assert site.remote == [], f"requests that would leave the machine: {site.remote}"
    finally:
        opened.close()


def test_search_finds_a_notebook_by_its_title(site):
    entry = NOTEBOOKS[2]
    notebook = json.loads((ROOT / "notebooks" / entry.filename).read_text(encoding="utf-8"))
    title = next(line[2:] for cell in notebook["cells"] if cell["cell_type"] == "markdown"
                 for line in "".join(cell["source"]).splitlines() if line.startswith("# "))
    words = " ".join(re.findall(r"[A-Za-z]{4,}", title)[:2])
    opened = OpenPage(site, "search.html?q=" + urllib.parse.quote(words))
    try:
        opened.page.wait_for_function(
            "() => /found/i.test(document.querySelector('#search-results .search-summary')"
            "?.innerText || '')", timeout=patience.milliseconds(SETTLE_SECONDS), polling=200)
        found = [urllib.parse.urlparse(link).path for link in
                 opened.links("#search-results ul.search li a")]
        assert f"/notebooks/{Path(entry.filename).stem}.html" in found, (words, found)
        assert opened.failed == [] and opened.errors == [] and site.remote == []
        serious, _ = axe_violations(opened.page, "site-search", content=ARTICLE,
                                    host=THEME_IN_ARTICLE)
        assert serious == []
        opened.failed.clear()
        opened.page.goto(site.base + "genindex.html", wait_until="load")
        assert opened.failed == [] and opened.errors == [] and site.remote == []
    finally:
        opened.close()


def test_the_request_guard_sees_a_page_that_would_fetch(site):
    # the context's route records a request for another machine: a CDN script is caught
    page = site.context.new_page()
    try:
        page.set_content('<script src="https://cdn.jsdelivr.net/npm/mathjax@4/tex-chtml.js">'
                         "</script>")
        assert "https://cdn.jsdelivr.net/npm/mathjax@4/tex-chtml.js" in site.remote
    finally:
        site.remote.clear()
        page.close()
