"""Figures, explorers and text tables: what a learner sees.

- ``style``: the colour-blind-safe palette, font sizes and how a cell is painted
- ``display``: ``show(fig)``, a figure with its generated description as alt text
- ``windows``: window positions, coverage grids, receptive fields, layer sizes (01)
- ``conventions``: one strip under each framework's size convention (01)
- ``grids``: small grids with their values written in the cells (02)
- ``sharing``: counts, depth slices, summed gradients, shifted maps (03)
- ``faces``: faces, regions, filters and accuracy under shifts (04)
- ``mnist``: where parameters and work live, confusion matrices (05)
- ``conv_explorer``: the interactive conv-arithmetic explorer (01)
- ``window_explorer``: the sliding-window explorer (02)
- ``tables``: plain-text tables

matplotlib and ipywidgets take longer to import than the rest of the
course together, so a module here is imported only when one of its names
is first used: ``course_utils.plot_grid`` imports ``viz.grids`` then.
"""

from importlib import import_module

#: Every public name of this subpackage and the module that defines it.
HOMES = {
    "OKABE_ITO": "style",
    "use_course_style": "style",
    "show": "display",
    "plot_coverage_grid": "windows",
    "plot_layer_sizes": "windows",
    "plot_receptive_field": "windows",
    "plot_window_positions": "windows",
    "plot_conventions": "conventions",
    "plot_conv_step": "grids",
    "plot_grid": "grids",
    "plot_grid_row": "grids",
    "plot_channels_to_maps": "grids",
    "plot_depth_slices": "sharing",
    "plot_gradient_sum": "sharing",
    "plot_parameter_counts": "sharing",
    "plot_shift_maps": "sharing",
    "plot_accuracy_by_shift": "faces",
    "plot_change_map": "faces",
    "plot_paired_differences": "faces",
    "plot_learning_curve": "faces",
    "plot_filters": "faces",
    "plot_image_grid": "faces",
    "plot_region_histograms": "faces",
    "plot_regions": "faces",
    "plot_channel_connections": "mnist",
    "plot_confusion_matrix": "mnist",
    "plot_parameter_and_work_shares": "mnist",
    "plot_parameters_vs_accuracy": "mnist",
    "conv_arithmetic_explorer": "conv_explorer",
    "conv_arithmetic_report": "conv_explorer",
    "conv_arithmetic_state": "conv_explorer",
    "explorer_frame_html": "window_explorer",
    "explorer_state": "window_explorer",
    "sliding_window_explorer": "window_explorer",
    "fit_table": "tables",
    "text_table": "tables",
}

__all__ = sorted(HOMES, key=str.lower)


def __getattr__(name: str) -> object:
    """Import the module that defines ``name`` the first time it is asked for (PEP 562)."""
    if name not in HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{HOMES[name]}", __name__), name)


def __dir__() -> list[str]:
    """The figures and explorers too, for tab completion and ``help``."""
    return sorted(set(globals()) | set(__all__))
