"""The course's table of contents: the five notebooks, in order.

Tests use this list to check notebook names, order and navigation, and the
README's course index is checked against it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Notebook", "NOTEBOOKS"]


@dataclass(frozen=True)
class Notebook:
    """One notebook of the course.

    Attributes
    ----------
    number : int
        Position in the course, from 1.
    filename : str
        ``NN_topic.ipynb`` inside ``notebooks/``.
    title : str
        The notebook's title.
    minutes : int
        Suggested working time for a self-learner, estimated by reading the
        notebook as one (``tools/estimate_minutes.py``); for notebook 03 the
        core, without its two *Going further* sections.
    """

    number: int
    filename: str
    title: str
    minutes: int


NOTEBOOKS = (
    Notebook(1, "01_conv_arithmetic.ipynb", "Conv arithmetic: how big is the output?", 75),
    Notebook(2, "02_padding_5x5_grid.ipynb", "Padding on the 5x5 grid", 75),
    Notebook(3, "03_parameter_sharing.ipynb", "Parameter sharing: AlexNet conv1 counted", 90),
    Notebook(4, "04_locally_connected_faces.ipynb", "Locally connected layers for centred faces", 85),
    Notebook(5, "05_mnist_counts.ipynb", "MNIST counts: a ConvNet, layer by layer", 85),
)
