"""Sphinx configuration of the course website (`make site`; see docs/website.md).

The site is built from the repository as it is: the README (the front page),
the five notebooks with their committed outputs (never executed here) and
the Markdown pages in docs/. Nothing is fetched from another machine, at
build time or when a page is read: MathJax 2, require.js and the widget
renderer come from slides/vendor, the theme's scripts and fonts from its
package. What the theme and MyST-NB cannot be told by a setting is done by
the course's own extension, site/course_site.py.

Settings a fork changes live in pyproject.toml, [tool.course]: the
repository (Binder, code host, git clone) and the address the site is
published at.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from course_site import code_host_url, course_settings  # noqa: E402

SETTINGS = course_settings()

project = "Convolution layers, sized and counted"
author = "the course's authors"
copyright = "the course's authors; text and figures CC BY 4.0, code MIT"
language = "en"

# The sources are the repository itself (sphinx-build -c site . OUT): the README, the
# notebooks and docs/. Every other folder is left out of the walk (.venv, .git, ...).
root_doc = "README"
include_patterns = ["README.md", "notebooks/*.ipynb", "docs/*.md"]
exclude_patterns = sorted(path.name for path in ROOT.iterdir()
                          if path.is_dir() and path.name not in ("notebooks", "docs"))
exclude_patterns += ["notebooks/*-original*.ipynb", "**/.ipynb_checkpoints"]

extensions = ["myst_nb", "sphinx.ext.githubpages", "course_site"]

# MyST-NB: the committed outputs, never a kernel
nb_execution_mode = "off"
# Figures are shown as the notebooks show them: the HTML form of `cu.show`, an <img>
# with the figure's description as alt text (MyST-NB's PNG form would drop the alt).
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3
# The widget snapshots: require.js and the renderer of ipywidgets 8 from slides/vendor
# (MyST-NB's default loads both from CDNs); course-widgets.js tells the renderer where
# its icon fonts are. Paths are under _static/.
nb_ipywidgets_js = {
    "vendor/require.js": {},
    "course-widgets.js": {},
    "vendor/html-manager/embed-amd.js": {},
}

# MathJax 2 (the version the decks vendor), not Sphinx's CDN default. MyST marks each page
# to be skipped by MathJax and its formulas (class "math") to be typeset: say so to MathJax 2.
mathjax_path = "vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
mathjax2_config = {
    "tex2jax": {
        "ignoreClass": "tex2jax_ignore|mathjax_ignore",
        "processClass": "math|tex2jax_process|mathjax_process",
    },
    "messageStyle": "none",  # no "Typesetting math: 100%" box in the corner
}

# The theme: sphinx-book-theme (why: docs/website.md)
html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["static"]
# The course's fixes to the theme's templates (each file says what and why)
templates_path = ["templates"]
html_css_files = ["course.css"]
html_favicon = "static/favicon.svg"
html_baseurl = SETTINGS["site-url"]
# "Download" gives the committed notebook itself, byte for byte: _sources/notebooks/NN.ipynb
html_copy_source = True
html_sourcelink_suffix = ""
html_last_updated_fmt = None
# light or dark as the reader's system says (unset, the theme's script logs an error)
html_context = {"default_mode": "auto"}
html_theme_options = {
    "repository_url": code_host_url(SETTINGS["repository"]),
    "repository_branch": "HEAD",
    "path_to_docs": "",
    "use_repository_button": True,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "launch_buttons": {"binderhub_url": "https://mybinder.org", "notebook_interface": "jupyterlab"},
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    # one search field, in the sidebar (pydata-sphinx-theme would add a second in a top bar)
    "navbar_persistent": [],
}

# Warnings fail the build (make site and the test run sphinx-build -W).
suppress_warnings = []
