"""Real face images for notebook 04: the LFW subset that scikit-image ships.

Provenance
----------
``skimage.data.lfw_subset()`` holds 200 grey-level crops of 25x25 pixels from
*Labeled Faces in the Wild* (LFW): the first 100 are faces, chosen at random
from LFW and roughly centred by its face detector; the next 100 are
non-faces, cut from the backgrounds of the same photographs. The file
(``lfw_subset.npy``) is inside the scikit-image wheel, so it loads offline.
:func:`load_faces` reads that file itself, with ``allow_pickle=False``, after
checking its SHA-256 against the one of the pinned scikit-image release.

Citation: G. B. Huang, M. Ramesh, T. Berg and E. Learned-Miller, "Labeled
Faces in the Wild: A Database for Studying Face Recognition in Unconstrained
Environments", University of Massachusetts, Amherst, Technical Report 07-49,
2007. scikit-image's docstring cites G. B. Huang, M. Mattar, H. Lee and
E. Learned-Miller, "Learning to Align from Scratch", NIPS 2012.

Licence: LFW's photographs are news photographs collected from the web; LFW
is distributed for research use without a stated licence, and the copyright
of each photograph stays with its owner. scikit-image (BSD-3-Clause)
redistributes this 25x25 subset. The course uses it for teaching only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..validation import check_class_labels, check_int, is_pair
from .photos import scikit_image_data

__all__ = [
    "CLASS_NAMES",
    "FaceData",
    "load_faces",
    "shift_images",
    "stratified_folds",
    "train_test_split",
    "translate_images",
]

#: What ``lfw_subset`` must hold: the course checks it at every load.
FACE_COUNT, NON_FACE_COUNT, FACE_SIZE = 100, 100, 25
#: SHA-256 of skimage/data/lfw_subset.npy in scikit-image 0.26.0, the pinned release.
LFW_SHA256 = "9560ec2f5edfac01973f63a8a99d00053fecd11e21877e18038fbe500f8e872c"
_REINSTALL = "Reinstall the course with `make clean-venv venv`."


def lfw_subset_path() -> Path:
    """Where the installed scikit-image keeps ``lfw_subset.npy``."""
    data = scikit_image_data("load_faces")
    return Path(data.__file__).parent / "lfw_subset.npy"


def read_lfw_subset(path: Path) -> np.ndarray:
    """Read the LFW subset from ``path``: SHA-256 first, then plain numbers only.

    Parameters
    ----------
    path : Path
        A ``.npy`` file.

    Returns
    -------
    ndarray, as stored (float64, shape (200, 25, 25) for the real file)

    Raises
    ------
    FileNotFoundError
        If the file is missing.
    ValueError
        If its SHA-256 differs from :data:`LFW_SHA256`, or it holds
        Python objects (``allow_pickle=False`` refuses to unpickle them).
    """
    if not path.is_file():
        raise FileNotFoundError(f"scikit-image's LFW subset is missing: {path}. {_REINSTALL}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != LFW_SHA256:
        raise ValueError(
            f"{path.name} is not the file scikit-image 0.26.0 ships: SHA-256 {digest}, "
            f"expected {LFW_SHA256}. {_REINSTALL}"
        )
    # allow_pickle=False: a .npy file can hold pickled Python objects, which run
    # code when loaded; this one must hold plain numbers only.
    return np.load(path, allow_pickle=False)
CLASS_NAMES = ("non-face", "face")


@dataclass(frozen=True)
class FaceData:
    """The 200 images and their labels.

    Attributes
    ----------
    images : ndarray of float64, shape (200, 25, 25)
        Brightness in [0, 1].
    labels : ndarray of int64, shape (200,)
        1 for a face, 0 for a non-face (``CLASS_NAMES[label]``).
    """

    images: np.ndarray
    labels: np.ndarray

    @property
    def faces(self) -> np.ndarray:
        """The face images only, shape (100, 25, 25)."""
        return self.images[self.labels == 1]

    @property
    def non_faces(self) -> np.ndarray:
        """The non-face images only, shape (100, 25, 25)."""
        return self.images[self.labels == 0]


def check_face_images(images: np.ndarray) -> np.ndarray:
    """Check that ``images`` is the LFW subset: shape, dtype and range; return it as float64.

    Parameters
    ----------
    images : ndarray

    Returns
    -------
    ndarray of float64, shape (200, 25, 25)

    Raises
    ------
    ValueError
        Naming what differs, with a hint to reinstall.
    """
    images = np.asarray(images)
    expected = (FACE_COUNT + NON_FACE_COUNT, FACE_SIZE, FACE_SIZE)
    reinstall = "Reinstall the course (`make clean-venv venv`)."
    if images.shape != expected:
        raise ValueError(f"the LFW subset should have shape {expected}, got {images.shape}. "
                         + reinstall)
    if images.dtype.kind not in "uif":
        raise ValueError(f"the LFW subset should hold numbers, got dtype {images.dtype}. "
                         + reinstall)
    images = images.astype(np.float64)
    if images.dtype.kind == "f" and not np.isfinite(images).all():
        raise ValueError("the LFW subset holds NaN or infinite values. " + reinstall)
    if images.max() > 1.0 or images.min() < 0.0:
        # scikit-image documents uint8 but returns floats in [0, 1]; accept 0..255 as well
        if images.min() >= 0.0 and images.max() <= 255.0:
            images = images / 255.0
        else:
            raise ValueError(f"the LFW subset's values should lie in [0, 1], got "
                             f"{images.min():g} to {images.max():g}. " + reinstall)
    return images


def load_faces() -> FaceData:
    """The 100 faces and 100 non-faces of scikit-image's LFW subset, checked.

    See the module's docstring for provenance, citation and licence.

    Returns
    -------
    FaceData
        ``images`` (200, 25, 25) float64 in [0, 1]; ``labels`` (200,), 1 for
        the first 100 (faces), 0 for the rest.

    Raises
    ------
    ImportError
        When scikit-image is not installed.
    FileNotFoundError
        When scikit-image cannot read its copy of the data.
    ValueError
        When the data is not what it should be.
    """
    images = check_face_images(read_lfw_subset(lfw_subset_path()))
    labels = np.r_[np.ones(FACE_COUNT, dtype=np.int64), np.zeros(NON_FACE_COUNT, dtype=np.int64)]
    return FaceData(images=images, labels=labels)


def train_test_split(labels: np.ndarray, test_per_class: int, *, seed: int) -> tuple[
        np.ndarray, np.ndarray]:
    """A seeded split with the same number of test examples from every class.

    Parameters
    ----------
    labels : ndarray of int, shape (N,)
    test_per_class : int
        Examples of each class kept for testing.
    seed : int

    Returns
    -------
    train_index, test_index : ndarray of int
        Indices into ``labels``, each sorted; together they hold every index once.
    """
    labels = check_class_labels(labels)
    test_per_class = check_int(test_per_class, "test_per_class", minimum=1)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    test = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if test_per_class >= len(members):
            raise ValueError(
                f"test_per_class must leave training examples: class {label} has "
                f"{len(members)} examples, test_per_class is {test_per_class}"
            )
        test.extend(rng.choice(members, size=test_per_class, replace=False))
    test_index = np.sort(np.array(test))
    train_index = np.setdiff1d(np.arange(len(labels)), test_index)
    return train_index, test_index


def stratified_folds(labels: np.ndarray, folds: int, *, seed: int
                     ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Cut the examples into ``folds`` disjoint test sets, each with the same share of every class.

    Each fold's test set is disjoint from every other fold's, so the folds'
    test accuracies are measured on different examples; the training pools
    overlap (any two share all but two folds' worth of examples).

    Parameters
    ----------
    labels : ndarray of int, shape (N,)
    folds : int
        At least 2; every class must have at least ``folds`` examples. A
        class whose count does not divide evenly leaves its remainder in
        every training pool and in no test set.
    seed : int
        Seed of the generator that orders each class before it is cut.

    Returns
    -------
    list of (ndarray, ndarray), length ``folds``
        ``(train_pool, test_index)`` for each fold: sorted indices into
        ``labels``, together holding every index once.
    """
    labels = check_class_labels(labels)
    folds = check_int(folds, "folds", minimum=2)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    tests: list[list[int]] = [[] for _ in range(folds)]
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        per_fold = len(members) // folds
        if per_fold < 1:
            raise ValueError(f"folds must be at most the size of every class: class {label} "
                             f"has {len(members)} examples, folds is {folds}")
        for k in range(folds):
            tests[k].extend(members[k * per_fold:(k + 1) * per_fold])
    everything = np.arange(len(labels))
    return [(np.setdiff1d(everything, test), np.sort(np.array(test))) for test in tests]


def translate_images(images: np.ndarray, shift: tuple[int, int], *,
                     fill: str = "edge") -> np.ndarray:
    """Move every image by the same number of pixels.

    Parameters
    ----------
    images : ndarray, shape (N, H, W)
    shift : (int, int)
        Rows down and columns right; negative values move up or left.
    fill : {'edge', 'wrap'}
        What fills the rows and columns the move uncovers: ``'edge'``
        repeats the image's border (a camera that moved a little sees more
        of the same background); ``'wrap'`` brings in what left the other
        side (a circular shift, as ``numpy.roll``).

    Returns
    -------
    ndarray, shape (N, H, W)
        ``out[:, r, c] = images[:, r - dy, c - dx]`` where that is inside
        the image.
    """
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"images must have shape (N, H, W), got {images.shape}")
    if fill not in ("edge", "wrap"):
        raise ValueError(f"fill must be 'edge' or 'wrap', got {fill!r}")
    if not is_pair(shift) or len(shift) != 2:
        raise TypeError(f"shift must be a pair (rows down, columns right), got {shift!r}")
    dy, dx = (check_int(v, f"shift[{k}]") for k, v in enumerate(shift))
    h, w = images.shape[1:]
    if max(abs(dy), abs(dx)) >= min(h, w):
        raise ValueError(f"shift must be smaller than the image size {min(h, w)}, got {shift}")
    if fill == "wrap":
        return np.roll(images, (dy, dx), axis=(1, 2))
    m = max(abs(dy), abs(dx))
    padded = np.pad(images, ((0, 0), (m, m), (m, m)), mode="edge")
    return padded[:, m - dy:m - dy + h, m - dx:m - dx + w]


def shift_images(images: np.ndarray, max_shift: int, *, seed: int,
                 fill: str = "edge") -> np.ndarray:
    """Move every image by its own random number of pixels.

    Parameters
    ----------
    images : ndarray, shape (N, H, W)
    max_shift : int
        Each image moves by up to this many pixels, up or down and left or
        right (drawn uniformly from -max_shift..max_shift, independently).
    seed : int
    fill : {'edge', 'wrap'}
        As in :func:`translate_images`.

    Returns
    -------
    ndarray, shape (N, H, W)
    """
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"images must have shape (N, H, W), got {images.shape}")
    max_shift = check_int(max_shift, "max_shift", minimum=0)
    if max_shift >= min(images.shape[1:]):
        raise ValueError(f"max_shift must be smaller than the image size "
                         f"{min(images.shape[1:])}, got {max_shift}")
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    shifts = rng.integers(-max_shift, max_shift + 1, size=(len(images), 2))
    return np.concatenate([translate_images(images[i:i + 1], (dy, dx), fill=fill)
                           for i, (dy, dx) in enumerate(shifts)])
