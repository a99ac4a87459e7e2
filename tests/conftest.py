import builtins

import matplotlib
import pytest
from browser_support import MEMORY_RECORD, SCREENSHOTS, LabServer, browser_or_skip, launch_chromium

matplotlib.use("Agg")  # unit tests draw figures without a screen


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
