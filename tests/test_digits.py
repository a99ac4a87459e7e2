"""The MNIST loader: the shipped file, its checks, and clear errors when it is damaged."""

import gzip
import hashlib

import numpy as np
import pytest

from course_utils.data.digits import MNIST_PATH, MNIST_SHA256, check_digit_table, load_digits


def test_shipped_file_has_the_recorded_sha256():
    assert hashlib.sha256(MNIST_PATH.read_bytes()).hexdigest() == MNIST_SHA256


def test_load_digits_gives_500_of_each_digit_in_0_1():
    digits = load_digits()
    assert digits.images.shape == (5000, 28, 28) and digits.images.dtype == np.float32
    assert digits.labels.dtype == np.int64
    assert np.bincount(digits.labels).tolist() == [500] * 10
    assert digits.images.min() == 0.0 and digits.images.max() == 1.0


def test_images_are_the_files_pixels_row_by_row():
    with gzip.open(MNIST_PATH, "rt") as file:
        first = [int(v) for v in file.readline().split(",")]
    digits = load_digits()
    assert digits.labels[0] == first[-1]
    assert np.allclose(digits.images[0].ravel() * 255, first[:-1], atol=1e-4)


def test_digits_look_like_digits():
    # real handwriting: ink in the middle of the frame, a clean background border,
    # and a "1" uses less ink than a "0" on average
    digits = load_digits()
    border = np.concatenate([digits.images[:, :2].ravel(), digits.images[:, -2:].ravel()])
    assert border.mean() < 0.01 < digits.images[:, 10:18, 10:18].mean()
    ink = [digits.images[digits.labels == d].mean() for d in range(10)]
    assert ink[1] < ink[0]


def test_a_missing_file_names_the_path_and_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        load_digits(tmp_path / "mnist_5k.csv.gz")
    assert "missing" in str(error.value) and "fetch_mnist_subset.py" in str(error.value)


def test_a_changed_file_is_refused_by_its_sha256(tmp_path):
    damaged = tmp_path / "mnist_5k.csv.gz"
    data = bytearray(MNIST_PATH.read_bytes())
    data[-20] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="SHA-256"):
        load_digits(damaged)


@pytest.mark.parametrize("change, message", [
    (lambda t: t[:4999], "shape"),
    (lambda t: np.where(t == 255, 256, t), "pixels must be 0 to 255"),
    (lambda t: np.concatenate([t[:, :-1], np.zeros((5000, 1), t.dtype)], axis=1), "500 of each"),
])
def test_the_table_checks_name_what_is_wrong(change, message):
    with gzip.open(MNIST_PATH, "rb") as file:
        table = np.loadtxt(file, delimiter=",", dtype=np.int16)
    check_digit_table(table)  # the shipped table passes
    with pytest.raises(ValueError, match=message):
        check_digit_table(change(table))
