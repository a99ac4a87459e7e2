"""Local image statistics, and how much they depend on where in the image they are taken.

Weight sharing assumes that what is worth detecting at one position is worth
detecting at every position. These functions measure how far a set of
images departs from that: the local statistics of each cell of a grid
(brightness and a histogram of edge orientations), and one number, the
share of their variation that position explains.
"""

from __future__ import annotations

import numpy as np

from ..validation import check_array, check_finite, check_int

__all__ = [
    "cell_statistics",
    "FACE_REGIONS",
    "orientation_histograms",
    "position_dependence",
    "region_histogram",
]

#: Regions of a 25x25 centred face from scikit-image's LFW subset, as
#: (top, left, height, width), read off the mean face. Left and right are as
#: seen in the image.
FACE_REGIONS = {
    "left eye": (6, 4, 5, 5),
    "right eye": (6, 13, 5, 5),
    "nose": (10, 8, 5, 5),
    "mouth": (16, 8, 5, 5),
    "cheek": (11, 3, 5, 5),
    "forehead": (0, 8, 5, 5),
}


def _check_images(images: object) -> np.ndarray:
    images = check_array(images, "images", ndim=3, axes="(N, H, W)").astype(np.float64)
    return check_finite(images, "images")


def orientation_histograms(images: np.ndarray, bins: int = 8) -> np.ndarray:
    """Each pixel's edge orientation, binned, weighted by the edge's strength.

    The gradient comes from ``numpy.gradient``; orientations are taken
    modulo 180 degrees, so a dark-to-bright edge and a bright-to-dark edge
    of the same direction fall in the same bin.

    Parameters
    ----------
    images : ndarray, shape (N, H, W)
    bins : int
        Bins over 0-180 degrees, bin k centred on ``k * 180 / bins`` degrees:
        bin 0 holds horizontal gradients (vertical edges) and, for an even
        number of bins, bin ``bins / 2`` holds vertical gradients
        (horizontal edges).

    Returns
    -------
    ndarray, shape (N, H, W, bins)
        At each pixel, the gradient magnitude in the bin of its orientation,
        0 in the other bins. Sum over a region to get that region's histogram.
    """
    images = _check_images(images)
    bins = check_int(bins, "bins", minimum=1)
    gy, gx = np.gradient(images, axis=(1, 2))
    magnitude = np.hypot(gx, gy)
    angle = np.mod(np.arctan2(gy, gx), np.pi)  # 0 .. pi
    # centred bins: angles within half a bin of 0 (or of 180) degrees go to bin 0
    which = np.floor(angle / np.pi * bins + 0.5).astype(int) % bins
    one_hot = np.arange(bins) == which[..., None]  # (N, H, W, bins)
    return one_hot * magnitude[..., None]


def check_region(region: object, image_size: tuple[int, int], name: str = "region"
                 ) -> tuple[int, int, int, int]:
    """Return ``region`` as ``(top, left, height, width)`` inside an image, or raise.

    Parameters
    ----------
    region : (int, int, int, int)
    image_size : (int, int)
        ``(H, W)`` of the image the region must fit in.
    name : str
        The argument's name, used in the error message.
    """
    if not isinstance(region, (tuple, list)) or len(region) != 4:
        raise TypeError(f"{name} must be four ints (top, left, height, width), got {region!r}")
    top, left, height, width = (check_int(v, f"{name}[{k}]", minimum=0)
                                for k, v in enumerate(region))
    rows, columns = image_size
    if height < 1 or width < 1 or top + height > rows or left + width > columns:
        raise ValueError(f"{name} {tuple(region)} must lie inside the {rows}x{columns} "
                         "image, with a height and width of at least 1")
    return top, left, height, width


def region_histogram(images: np.ndarray, region: tuple[int, int, int, int],
                     bins: int = 8) -> np.ndarray:
    """The normalised orientation histogram of one region, for every image.

    Parameters
    ----------
    images : ndarray, shape (N, H, W)
    region : (top, left, height, width)
    bins : int

    Returns
    -------
    ndarray, shape (N, bins)
        Each row sums to 1 (or is all 0 for a region without any edge).
    """
    images = _check_images(images)
    top, left, height, width = check_region(region, images.shape[1:])
    votes = orientation_histograms(images[:, top:top + height, left:left + width], bins)
    histogram = votes.sum(axis=(1, 2))
    total = histogram.sum(axis=1, keepdims=True)
    return np.divide(histogram, total, out=np.zeros_like(histogram), where=total > 0)


def cell_statistics(images: np.ndarray, cell: int = 5, bins: int = 8) -> np.ndarray:
    """Brightness and orientation histogram of every cell of a grid, for every image.

    Parameters
    ----------
    images : ndarray, shape (N, H, W)
        H and W must be multiples of ``cell``.
    cell : int
        Side of the square cells.
    bins : int

    Returns
    -------
    ndarray, shape (N, H // cell, W // cell, 1 + bins)
        Feature 0 is the cell's mean brightness; features 1.. are its
        orientation histogram, normalised to sum to 1.
    """
    images = _check_images(images)
    cell = check_int(cell, "cell", minimum=1)
    n, h, w = images.shape
    if h % cell or w % cell:
        raise ValueError(f"cell must divide the image size {h}x{w}, got {cell}")
    rows, cols = h // cell, w // cell
    brightness = images.reshape(n, rows, cell, cols, cell).mean(axis=(2, 4))
    votes = orientation_histograms(images, bins).reshape(n, rows, cell, cols, cell, bins)
    histogram = votes.sum(axis=(2, 4))
    total = histogram.sum(axis=-1, keepdims=True)
    histogram = np.divide(histogram, total, out=np.zeros_like(histogram), where=total > 0)
    return np.concatenate([brightness[..., None], histogram], axis=-1)


def position_dependence(features: np.ndarray) -> float:
    """Share of the features' variation that position explains (between 0 and 1).

    For features ``f[n, position, k]`` this is the variance of the
    per-position means (averaged over examples) divided by the total
    variance, summed over the features ``k``: the "eta squared" of a
    one-way analysis of variance with position as the factor. 0 means every
    position looks alike on average (sharing is a safe assumption); 1 means
    position alone determines the features.

    Parameters
    ----------
    features : ndarray, shape (N, P, K) or (N, rows, cols, K)
        ``K`` features at each of ``P`` positions of ``N`` images, e.g. from
        :func:`cell_statistics`.

    Returns
    -------
    float
    """
    features = check_array(features, "features", ndim=np.ndim(features),
                           axes="(N, positions..., K)")
    if features.ndim < 3:
        raise ValueError(f"features must have shape (N, positions..., K), got {features.shape}")
    check_finite(features, "features")
    f = features.reshape(features.shape[0], -1, features.shape[-1]).astype(np.float64)
    overall = f.mean(axis=(0, 1))
    total = ((f - overall) ** 2).sum(axis=-1).mean()
    between = ((f.mean(axis=0) - overall) ** 2).sum(axis=-1).mean()
    return float(between / total) if total > 0 else 0.0
