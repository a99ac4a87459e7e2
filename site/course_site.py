"""The course website's own Sphinx extension (loaded by site/conf.py).

What a notebook shows in JupyterLab, a page of the site shows too, from the
committed outputs and with nothing fetched from another machine:

- the README is the front page, with the notebooks (in the order of
  ``course_utils.course.NOTEBOOKS``) and the Markdown pages the README links
  to in ``docs/`` as the site's table of contents; the README stays plain
  Markdown on a code host, since the table of contents is added here;
- each solution cell (tag ``solution``) is closed behind a ``<details>``
  control named by its visible text ("Show the solution");
- each widget snapshot that has controls (an explorer) gets a caption saying
  it is a snapshot and how to run it live;
- every page starts with a line to run it: on Binder, by download, or on
  your own computer with ``make lab``;
- MathJax 2, require.js and the widget renderer come from ``slides/vendor``
  (the decks' copies), a remote image in a page is replaced by a local copy
  (the README's Binder badge), and a link to a file of the repository that
  is not a page of the site opens that file on the code host;
- ``index.html`` is the front page, so that any static host serves it at ``/``.

The repository (for Binder, the code host and ``git clone``) and the site's
published address are one setting each, ``[tool.course]`` in pyproject.toml:
:func:`course_settings` reads them, and everything here takes them from it.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import shutil
import sys
import tomllib
from pathlib import Path
from urllib.parse import quote

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
VENDOR = ROOT / "slides" / "vendor"
#: What the site takes from slides/vendor, copied to _static/vendor/ (see tools/fetch_slide_assets.py).
VENDORED = ("mathjax", "html-manager", "require.js")
#: Remote images that pages may name, and the local file each is shown from instead.
LOCAL_IMAGES = {"https://mybinder.org/badge_logo.svg": "site/static/binder-badge.svg"}
SOLUTION_TAG = "solution"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: Widget models that only show something: a snapshot made of these alone (a progress
#: bar, a text) needs no caption. Any other model is a control a reader would try.
DISPLAY_ONLY_MODELS = frozenset({
    "BoxModel", "VBoxModel", "HBoxModel", "GridBoxModel", "HTMLModel", "HTMLMathModel",
    "LabelModel", "OutputModel", "ImageModel", "IntProgressModel", "FloatProgressModel",
    "ValidModel", "LayoutModel", "StyleModel", "DescriptionStyleModel",
    "ProgressStyleModel", "HTMLStyleModel", "HTMLMathStyleModel", "LabelStyleModel",
})
REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------
# The settings: [tool.course] in pyproject.toml
# --------------------------------------------------------------------------


def course_settings(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, str]:
    """``{"repository": "owner/name", "site-url": "https://.../" or ""}`` from pyproject.toml.

    Raises
    ------
    ValueError
        When ``[tool.course]`` lacks either setting or one is malformed.
    """
    table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("course", {})
    repository, site_url = table.get("repository"), table.get("site-url")
    if not isinstance(repository, str) or not REPOSITORY.fullmatch(repository):
        raise ValueError(f"pyproject.toml: [tool.course] repository must be 'owner/name' "
                         f"on GitHub, not {repository!r}")
    if not isinstance(site_url, str) or (site_url and not re.fullmatch(r"https?://\S+/",
                                                                      site_url)):
        raise ValueError(f"pyproject.toml: [tool.course] site-url must be an http(s) address "
                         f"ending in '/', or empty, not {site_url!r}")
    return {"repository": repository, "site-url": site_url}


def binder_url(repository: str, path: str) -> str:
    """The mybinder.org link that opens ``path`` (from the repository's root) in JupyterLab."""
    return f"https://mybinder.org/v2/gh/{repository}/HEAD?urlpath=lab/tree/{quote(path)}"


def code_host_url(repository: str, path: str = "") -> str:
    """The repository on GitHub, or one of its files (``path``) as the default branch has it."""
    base = f"https://github.com/{repository}"
    if not path:
        return base
    kind = "tree" if (ROOT / path).is_dir() else "blob"
    return f"{base}/{kind}/HEAD/{quote(path)}"


# --------------------------------------------------------------------------
# The table of contents: the README's, added to it for the site only
# --------------------------------------------------------------------------


def notebook_docnames() -> list[str]:
    """The notebooks' document names, in the course's order (course_utils/course.py)."""
    # the one module, not the package (which would import numpy and the rest for a list)
    spec = importlib.util.spec_from_file_location("course_utils_course",
                                                  ROOT / "course_utils" / "course.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return [f"notebooks/{Path(entry.filename).stem}" for entry in module.NOTEBOOKS]


def linked_pages(readme: str) -> list[str]:
    """The ``docs/`` pages the README links to, as document names, in the README's order."""
    found = []
    for target in re.findall(r"\]\((docs/[^)#\s]+\.md)(?:#[^)]*)?\)", readme):
        name = target.removesuffix(".md")
        if name not in found:
            found.append(name)
    return found


def table_of_contents(readme: str) -> str:
    """The hidden toctrees (MyST) that make the README the front page of the site."""
    def toctree(caption: str, names: list[str]) -> str:
        return "\n```{toctree}\n:hidden:\n:caption: " + caption + "\n\n" + "\n".join(
            names) + "\n```\n"
    return toctree("The notebooks", notebook_docnames()) + toctree(
        "Teaching and running the course", linked_pages(readme))


def add_table_of_contents(app: Sphinx, docname: str, source: list[str]) -> None:
    if docname == app.config.root_doc:
        source[0] += "\n" + table_of_contents(source[0])


# --------------------------------------------------------------------------
# Links and images: a remote image is shown from a local copy; a repository
# file that is not a page opens on the code host
# --------------------------------------------------------------------------


class LocalImagesAndRepositoryLinks(SphinxTransform):
    """Runs on every page as it is read, before Sphinx collects its images."""

    default_priority = 100

    def apply(self, **kwargs) -> None:
        settings = course_settings()
        here = Path(self.env.doc2path(self.env.docname)).parent
        for image in list(self.document.findall(nodes.image)):
            uri = image["uri"]
            if uri.startswith(("http://", "https://", "//")):
                if uri not in LOCAL_IMAGES:
                    logger.warning("%s: a remote image (%s) would be fetched from another "
                                   "machine: add a local copy to course_site.LOCAL_IMAGES",
                                   self.env.docname, uri, location=image)
                    continue
                image["uri"] = "/" + LOCAL_IMAGES[uri]  # from the source folder (the repository)
        for node in list(self.document.findall(addnodes.download_reference)) + [
                node for node in self.document.findall(addnodes.pending_xref)
                if node.get("refdomain") == "doc" and node.get("reftype") == "myst"
                and node["reftarget"] not in self.env.found_docs]:
            target = node["reftarget"]
            if isinstance(node, addnodes.pending_xref):
                files = [f"{target}{suffix}" for suffix in self.config.source_suffix
                         if (ROOT / f"{target}{suffix}").is_file()]
                if not files:
                    continue  # not a file of the repository: Sphinx's warning stands
                target = files[0]
            else:
                target = str((here / target).resolve().relative_to(ROOT))
            link = nodes.reference("", "", *node.children,
                                   refuri=code_host_url(settings["repository"], target),
                                   classes=["course-repository-file"])
            node.replace_self(link)


# --------------------------------------------------------------------------
# Solutions behind a control, explorer captions, the "run it" line
# --------------------------------------------------------------------------


class solution(nodes.General, nodes.Element):
    """A solution cell, closed: ``<details>`` whose ``<summary>`` is named by its visible text."""


def visit_solution(self, node: solution) -> None:
    self.body.append('<details class="course-solution">\n<summary>'
                     '<span class="course-when-closed">Show the solution</span>'
                     '<span class="course-when-open">Hide the solution</span></summary>\n')


def depart_solution(self, node: solution) -> None:
    self.body.append("</details>\n")


def saved_widget_state(path: Path) -> dict:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return notebook.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})


def is_explorer(state: dict, model_id: str) -> bool:
    """True when the snapshot of ``model_id`` holds a control (a slider, a button...)."""
    pending, seen = [model_id], set()
    while pending:
        current = pending.pop()
        if current in seen or current not in state:
            continue
        seen.add(current)
        model = state[current]
        if model["model_name"] not in DISPLAY_ONLY_MODELS:
            return True
        pending += [child.removeprefix("IPY_MODEL_")
                    for child in model["state"].get("children", [])]
    return False


def run_it_html(repository: str, docname: str, source: str, depth: int) -> str:
    """The line at the top of every page: Binder, a download, the local command."""
    up = "../" * depth
    clone = f"git clone {code_host_url(repository)}"
    local = (f"on your computer: <code>{html.escape(clone)}</code>, then <code>make lab</code> "
             "in that folder (Windows: <code>py tools/course.py lab</code>)")
    if source.endswith(".ipynb"):
        name = Path(source).name
        return (
            '<div class="course-run"><p><strong>Run this notebook:</strong> '
            f'<a href="{html.escape(binder_url(repository, source))}">launch it on Binder</a> '
            f'(nothing to install), <a href="{up}_sources/{html.escape(source)}" '
            f'download="{html.escape(name)}">download it</a> ({html.escape(name)}), or {local}.'
            "</p></div>")
    first = f"notebooks/{Path(notebook_docnames()[0]).name}.ipynb"
    return ('<div class="course-run"><p><strong>Run the course:</strong> '
            f'<a href="{html.escape(binder_url(repository, first))}">launch it on Binder</a> '
            f"(nothing to install), or {local}.</p></div>")


SNAPSHOT_CAPTION = (
    "A snapshot of this explorer as the notebook saved it: its controls do not recompute "
    "here. To use it live, ")


def decorate(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Solutions closed, explorer captions and the run-it line, once references are resolved."""
    repository = course_settings()["repository"]
    source = str(Path(app.env.doc2path(docname)).relative_to(app.srcdir).as_posix())
    state = saved_widget_state(ROOT / source) if source.endswith(".ipynb") else {}
    for cell in list(doctree.findall(nodes.container)):
        if cell.get("nb_element") != "cell_code":
            continue
        tags = cell.get("cell_metadata", {}).get("tags", [])
        if SOLUTION_TAG in tags:
            wrapper = solution()
            cell.replace_self(wrapper)
            wrapper.append(cell)
            continue
        for raw in list(cell.findall(nodes.raw)):
            match = re.search(r'<script type="' + re.escape(WIDGET_VIEW) + r'">(.*?)</script>',
                              raw.astext(), re.S)
            if match and is_explorer(state, json.loads(match.group(1))["model_id"]):
                caption = nodes.paragraph("", SNAPSHOT_CAPTION, classes=["course-snapshot"])
                caption += nodes.reference("", "launch this notebook on Binder",
                                           refuri=binder_url(repository, source))
                caption += nodes.Text(" or run it on your computer with ")
                caption += nodes.literal("", "make lab")
                caption += nodes.Text(".")
                # below the output that holds the snapshot, inside its cell
                output = next(node for node in cell.findall(nodes.container)
                              if node.get("nb_element") == "cell_code_output"
                              and raw in node.findall(nodes.raw))
                output.parent.insert(output.parent.index(output) + 1, caption)
    # the run-it line, just below the page's title
    section = next(iter(doctree.findall(nodes.section)), None)
    line = nodes.raw("", run_it_html(repository, docname, source, docname.count("/")),
                     format="html")
    if section is None:
        doctree.insert(0, line)
    else:
        section.insert(1 if isinstance(section[0], nodes.title) else 0, line)


# --------------------------------------------------------------------------
# MathJax 2 from slides/vendor; vendored scripts; index.html
# --------------------------------------------------------------------------


def use_mathjax_2(app: Sphinx) -> None:
    """MyST sets a MathJax 3/4 configuration (`processHtmlClass`); this site loads MathJax 2,
    configured by ``mathjax2_config`` instead (conf.py), so that one is dropped."""
    for name in ("mathjax3_config", "mathjax4_config"):
        if hasattr(app.config, name):
            setattr(app.config, name, None)


def finish(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    vendor = out / "_static" / "vendor"
    vendor.mkdir(parents=True, exist_ok=True)
    for name in VENDORED:
        source = VENDOR / name
        if source.is_dir():
            shutil.copytree(source, vendor / name, dirs_exist_ok=True)
        else:
            shutil.copy2(source, vendor / name)
    # any static host serves index.html at the site's root: the front page, as README.html
    root = out / f"{app.config.root_doc}.html"
    if root.exists():
        shutil.copyfile(root, out / "index.html")


def setup(app: Sphinx) -> dict:
    app.add_node(solution, html=(visit_solution, depart_solution))
    app.add_transform(LocalImagesAndRepositoryLinks)
    app.connect("source-read", add_table_of_contents)
    app.connect("doctree-resolved", decorate)
    app.connect("builder-inited", use_mathjax_2, priority=900)  # after MyST's own handler
    app.connect("build-finished", finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
