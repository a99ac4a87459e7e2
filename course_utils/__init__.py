"""Helpers for the course on convolution arithmetic, padding and parameter sharing.

Everything a notebook needs is importable from the top level, e.g.
``from course_utils import conv_output_size``. Modules, one idea each:

- ``geometry``: output sizes, padding, window positions, receptive fields;
- ``counting``: parameter counts of layers;
- ``figures``: the course's figures, drawn from parameters;
- ``explorer``: the interactive conv-arithmetic explorer;
- ``tables``: plain-text tables;
- ``exercises``: checkers for the Try-it exercises;
- ``course``: the list of notebooks;
- ``validation``: argument checks with clear messages.
"""

from .counting import conv_params, dense_params
from .course import NOTEBOOKS, Notebook
from .exercises import (
    check_fitting_strides,
    check_output_width,
    check_receptive_field,
    check_same_padding,
)
from .explorer import conv_arithmetic_explorer, conv_arithmetic_report
from .figures import (
    OKABE_ITO,
    plot_coverage_grid,
    plot_receptive_field,
    plot_window_positions,
    use_course_style,
)
from .geometry import (
    FitResult,
    ReceptiveFieldRow,
    WindowLayout,
    conv_output_size,
    coverage_counts,
    effective_kernel_size,
    fitting_configurations,
    receptive_field,
    same_padding,
    transposed_conv_output_size,
    window_layout,
)
from .tables import fit_table, text_table

__version__ = "0.1.0"

__all__ = [
    "FitResult",
    "NOTEBOOKS",
    "Notebook",
    "OKABE_ITO",
    "ReceptiveFieldRow",
    "WindowLayout",
    "check_fitting_strides",
    "check_output_width",
    "check_receptive_field",
    "check_same_padding",
    "conv_arithmetic_explorer",
    "conv_arithmetic_report",
    "conv_output_size",
    "conv_params",
    "coverage_counts",
    "dense_params",
    "effective_kernel_size",
    "fit_table",
    "fitting_configurations",
    "plot_coverage_grid",
    "plot_receptive_field",
    "plot_window_positions",
    "receptive_field",
    "same_padding",
    "text_table",
    "transposed_conv_output_size",
    "use_course_style",
    "window_layout",
]
