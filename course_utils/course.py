"""The course's table of contents: the five notebooks, in order.

Tests use this list to check notebook names, order and navigation, and the
README's course index is checked against it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LECTURE_MINUTES", "Notebook", "NOTEBOOKS"]


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
        Suggested working time for a self-learner, costed by the honest rule
        of ``tools/estimate_minutes.py`` (Write-its at their stated time,
        prose at 150 words a minute); for notebook 03 the core, without its
        two *Going further* sections. The speaker notes' minutes add up to it.
    second_part : str
        For a notebook longer than :data:`LECTURE_MINUTES`: the heading of
        the section where its second session starts (the first keeps the
        core teaching, the second the longer exercises); "" for none.
    """

    number: int
    filename: str
    title: str
    minutes: int
    second_part: str = ""


#: The longest session a notebook is taught in; a longer notebook says how to split it.
LECTURE_MINUTES = 90

NOTEBOOKS = (
    Notebook(1, "01_conv_arithmetic.ipynb", "Conv arithmetic: how big is the output?", 105,
             "## 10. Try it"),
    Notebook(2, "02_padding_5x5_grid.ipynb", "Padding on the 5x5 grid", 100, "## 10. Try it"),
    Notebook(3, "03_parameter_sharing.ipynb", "Parameter sharing: AlexNet conv1 counted", 120,
             "## Try it"),
    Notebook(4, "04_locally_connected_faces.ipynb", "Locally connected layers for centred faces",
             105, "## Try it"),
    Notebook(5, "05_mnist_counts.ipynb", "MNIST counts: a ConvNet, layer by layer", 125,
             "## 7. Three variations"),
)
