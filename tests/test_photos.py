"""The photograph loader: what it returns, and its errors."""

import numpy as np
import pytest

from course_utils import PHOTOGRAPHS, load_photograph


@pytest.mark.parametrize("name", sorted(PHOTOGRAPHS))
def test_photographs_load_offline_as_floats_in_0_1(name):
    photo = load_photograph(name)
    assert photo.shape == PHOTOGRAPHS[name][0] and photo.dtype == np.float64
    assert 0.0 <= photo.min() < photo.max() <= 1.0


def test_camera_is_the_default_and_matches_the_shipped_file():
    from skimage import data

    photo = load_photograph()
    assert np.array_equal(photo * 255, data.camera().astype(float))


def test_step_keeps_every_nth_row_and_column():
    full, small = load_photograph(), load_photograph(step=4)
    assert small.shape == (128, 128) and np.array_equal(small, full[::4, ::4])


@pytest.mark.parametrize(
    "kwargs, error, fragment",
    [
        ({"name": "lena"}, ValueError, "name must be one of ['camera', 'coins', 'moon']"),
        ({"step": 0}, ValueError, "step must be an integer >= 1"),
        ({"step": 2.0}, TypeError, "step must be an integer"),
    ],
)
def test_errors_name_the_argument(kwargs, error, fragment):
    with pytest.raises(error) as caught:
        load_photograph(**kwargs)
    assert fragment in str(caught.value)


def test_missing_scikit_image_says_how_to_install_it(without_scikit_image):
    with pytest.raises(ImportError, match="make venv"):
        load_photograph()


def test_a_damaged_file_is_reported(monkeypatch):
    from skimage import data

    monkeypatch.setattr(data, "camera", lambda: np.zeros((10, 10), dtype=np.uint8))
    with pytest.raises(ValueError, match=r"shape \(10, 10\).*expected \(512, 512\)"):
        load_photograph("camera")
