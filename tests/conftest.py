import builtins

import matplotlib
import pytest

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
