import builtins
import importlib.util
import os

import matplotlib
import pytest
from browser_support import (
    MEMORY_RECORD,
    ROOT,
    SCREENSHOTS,
    LabServer,
    browser_or_skip,
    launch_chromium,
)

matplotlib.use("Agg")  # unit tests draw figures without a screen


@pytest.fixture(autouse=True)
def verdicts_on_one_line(monkeypatch):
    """Verdicts printed unwrapped in this process, so that tests can read a hint whole.

    A learner's verdict wraps at 100 characters (verdict.LONGEST_LINE);
    tests/test_line_lengths.py checks that wrapping, and every notebook's printed
    lines, in kernels that this fixture does not touch.
    """
    from course_utils.exercises import verdict

    monkeypatch.setattr(verdict, "LONGEST_LINE", 10**6)


@pytest.fixture
def without_scikit_image(monkeypatch):
    """Make ``import skimage`` fail, as on a machine where it is not installed."""
    real_import = builtins.__import__

    def no_skimage(name, *args, **kwargs):
        if name == "skimage" or name.startswith("skimage."):
            raise ImportError("No module named 'skimage'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_skimage)


def pytest_sessionstart(session):
    # once per run: under pytest-xdist the controller, not each worker, starts the record afresh
    if not hasattr(session.config, "workerinput"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        MEMORY_RECORD.write_text("")  # this run's numbers only


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """One JupyterLab server (tests/browser_support.py) for every test of this process.

    Each test shuts its kernels down when done; at the end the server must be
    gone, and no kernel may outlive it.
    """
    browser_or_skip()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    server = LabServer(tmp_path_factory.mktemp("lab"))
    yield server
    server.stop()
    assert server.process.poll() is not None, "the JupyterLab server is still running"
    assert not server.kernel_processes(), "a kernel outlived its server"


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium, driven by Playwright, for every test of this process.

    A test opens its own page or context and closes it; slide and handout
    tests can share it too.
    """
    browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def open_decks(browser, tmp_path_factory):
    """Every notebook's deck, made by `make slides`' own code and open in Chromium, settled.

    {notebook file name: deck_facts.OfflineDeck}: loaded from the disk with every
    other request refused and recorded, MathJax done, every saved widget view drawn.
    The deck tests (tests/test_slides_fit.py, tests/test_slides_offline.py, one unit
    of work in conftest.py) share them, so each deck loads once; a test may move a
    deck to another slide.
    """
    from deck_facts import OfflineDeck, deck_notebook, make_decks, widget_views

    from course_utils import NOTEBOOKS

    names = [notebook.filename for notebook in NOTEBOOKS]
    paths = make_decks(tmp_path_factory.mktemp("decks"),
                       [ROOT / "notebooks" / name for name in names])
    opened = {}
    try:
        for name in names:
            opened[name] = OfflineDeck(browser, paths[name])
            opened[name].wait_for_widget_views(
                sum(widget_views(deck_notebook(ROOT / "notebooks" / name)).values()))
        yield opened
    finally:
        for deck in opened.values():
            deck.close()


def pytest_collection_modifyitems(config, items):
    # PyTorch is an optional peer: its tests skip without it, with a reason. CI installs it
    # and sets COURSE_REQUIRE_TORCH=1, so that there a missing torch fails instead of skipping.
    if os.environ.get("COURSE_REQUIRE_TORCH") == "1" and importlib.util.find_spec("torch") is None:
        raise pytest.UsageError("COURSE_REQUIRE_TORCH=1, but torch is not installed in this "
                                "environment: .venv/bin/pip install torch==2.13.0")
