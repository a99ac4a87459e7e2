"""A real photograph for notebook 03, loaded from files that scikit-image ships.

The photographs come inside the scikit-image wheel (``skimage/data``), so
they load offline once the course is installed; nothing is downloaded.
"""

from __future__ import annotations

import numpy as np

__all__ = ["load_photograph", "PHOTOGRAPHS"]

#: The grey-level photographs the course may use: name -> (shape, provenance).
PHOTOGRAPHS = {
    "camera": (
        (512, 512),
        "A person with a camera on a tripod, photographed by Lav Varshney; "
        "released under CC0 (no copyright restrictions). scikit-image's skimage.data.camera().",
    ),
    "coins": (
        (303, 384),
        "Greek coins from Pompeii, from the Brooklyn Museum collection, in the public "
        "domain. scikit-image's skimage.data.coins().",
    ),
    "moon": (
        (512, 512),
        "The surface of the moon; public domain. scikit-image's skimage.data.moon().",
    ),
}


def scikit_image_data(caller: str):
    """``skimage.data``, or an ImportError that says how to install scikit-image.

    Parameters
    ----------
    caller : str
        The function that needs it, named in the message.
    """
    try:
        from skimage import data
    except ImportError as error:
        raise ImportError(
            f"{caller} needs scikit-image, which the course installs: run `make venv` "
            f"(or `pip install -e .`) in the course folder. ({error})"
        ) from error
    return data


def load_photograph(name: str = "camera", *, step: int = 1) -> np.ndarray:
    """A grey-level photograph as floats in [0, 1], from scikit-image's sample data.

    The default, ``"camera"``, is a 512x512 photograph of a person with a
    camera on a tripod by Lav Varshney, released under CC0. See
    ``PHOTOGRAPHS`` for the others and their provenance.

    Parameters
    ----------
    name : str
        One of ``PHOTOGRAPHS``: ``"camera"``, ``"coins"`` or ``"moon"``.
    step : int
        Keep every ``step``-th row and column (1 keeps the full size), to
        make figures and loops smaller.

    Returns
    -------
    ndarray of float64, shape (ceil(H / step), ceil(W / step))
        Brightness from 0 (black) to 1 (white).

    Raises
    ------
    ValueError
        For an unknown name, a step below 1, or a file whose size or values
        are not those of the photograph (a damaged installation).
    ImportError
        When scikit-image is not installed.
    """
    from ..validation import check_int

    if name not in PHOTOGRAPHS:
        raise ValueError(f"name must be one of {sorted(PHOTOGRAPHS)}, got {name!r}")
    step = check_int(step, "step", minimum=1)
    data = scikit_image_data("load_photograph")
    pixels = getattr(data, name)()
    expected_shape, _ = PHOTOGRAPHS[name]
    if pixels.shape != expected_shape or pixels.dtype != np.uint8:
        raise ValueError(
            f"the {name!r} photograph from scikit-image has shape {pixels.shape} and dtype "
            f"{pixels.dtype}; expected {expected_shape} and uint8. Reinstall the course "
            "(`make clean-venv venv`)."
        )
    # uint8 brightness 0..255 -> float 0..1, the range the course's filters assume
    return pixels[::step, ::step].astype(np.float64) / 255.0
