"""Helpers for the course on convolution arithmetic, padding and parameter sharing.

Everything a notebook needs is importable from the top level, e.g.
``from course_utils import conv_output_size``. Modules, one idea each:

- ``geometry``: output sizes, padding, window positions, receptive fields;
- ``padding``: padding an image with zeros, reflect, replicate or circular;
- ``conv``: the convolution layer, as readable loops and vectorised, and its backward pass;
- ``grouped``: grouped convolution (``groups`` convolutions side by side), forward and backward;
- ``locally_connected``: the layer without weight sharing, forward and backward;
- ``gradcheck``: backward passes checked against finite differences;
- ``sliding``: one step of a window sliding over a grid, as numbers;
- ``counting``: parameters, multiply-adds and memory of layers;
- ``pooling``: max pooling and global pooling, forward and backward;
- ``layers``: dense, ReLU and the softmax loss, forward and backward;
- ``model``: layers with parameters, stacked into a ``Sequential`` model;
- ``layer_specs``: layers described without their weights, for counting and building;
- ``summary``: a model of layer specs counted layer by layer (a table), and built;
- ``training``: the Adam optimiser and a seeded training loop with a progress bar;
- ``equivariance``: shift an image and measure whether a layer's output shifts with it;
- ``photos``: a real photograph from scikit-image's sample data;
- ``faces``: the LFW faces and non-faces that scikit-image ships, checked; splits and shifts;
- ``digits``: 5,000 MNIST digits shipped with the course, checked at every load;
- ``position_statistics``: local image statistics and how much they depend on position;
- ``results``: mean and spread over seeds, paired differences, intervals, confusion matrices;
- ``figures``: the course's figures, drawn from parameters;
- ``grid_figures``: small grids with their values written in the cells;
- ``sharing_figures``: the figures of notebook 03 (counts, depth slices, gradients, shifts);
- ``faces_figures``: the figures of notebook 04 (faces, regions, filters, accuracy by shift);
- ``mnist_figures``: the figures of notebook 05 (where parameters and work live, results);
- ``explorer``: the interactive conv-arithmetic explorer;
- ``window_explorer``: the sliding-window explorer of notebook 02;
- ``examples``: the 5x5 grid and the filters of notebook 02;
- ``tables``: plain-text tables;
- ``exercises``, ``exercises_padding``, ``exercises_sharing``, ``exercises_faces``,
  ``exercises_mnist``: checkers for the Try-it exercises;
- ``course``: the list of notebooks;
- ``validation``: argument checks with clear messages.
"""

from .conv import ConvGeometry, conv2d, conv2d_backward, conv2d_reference, conv_geometry
from .counting import (
    conv_macs,
    conv_params,
    dense_macs,
    dense_params,
    depthwise_separable_params,
    format_bytes,
    locally_connected_macs,
    locally_connected_params,
    memory_bytes,
)
from .course import NOTEBOOKS, Notebook
from .digits import MNIST_SHA256, DigitData, load_digits
from .equivariance import ShiftComparison, compare_shifted, equivariance_error, shift_image
from .examples import grid_5x5, rgb_like_grid, vertical_edge_kernel
from .exercises import (
    check_fitting_strides,
    check_output_width,
    check_receptive_field,
    check_same_padding,
)
from .exercises_faces import (
    check_bigger_faces_weights,
    check_local_macs,
    check_local_params,
)
from .exercises_mnist import (
    check_resnext_params,
    check_second_conv_params,
    check_valid_dense_params,
)
from .exercises_padding import (
    check_corner_output,
    check_filter_weights,
    check_reflect_row,
    check_strided_output_size,
    check_strided_reads,
)
from .exercises_sharing import (
    check_grouped_params,
    check_growth_factors,
    check_shared_weights,
    check_unshared_params,
)
from .explorer import conv_arithmetic_explorer, conv_arithmetic_report
from .faces import (
    CLASS_NAMES,
    FaceData,
    load_faces,
    shift_images,
    train_test_split,
    translate_images,
)
from .faces_figures import (
    plot_accuracy_by_shift,
    plot_filters,
    plot_image_grid,
    plot_region_histograms,
    plot_regions,
)
from .figures import (
    OKABE_ITO,
    plot_coverage_grid,
    plot_layer_sizes,
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
from .gradcheck import numerical_gradient, rel_error
from .grid_figures import plot_conv_step, plot_grid, plot_grid_row
from .grouped import channel_connections, grouped_conv2d, grouped_conv2d_backward
from .layer_specs import (
    ConvSpec,
    DenseSpec,
    DepthwiseSeparableSpec,
    FlattenSpec,
    LayerCounts,
    LayerSpec,
    LocallyConnectedSpec,
    MaxPoolSpec,
    ReLUSpec,
)
from .layers import dense, dense_backward, relu, relu_backward, softmax_cross_entropy
from .locally_connected import locally_connected2d, locally_connected2d_backward
from .mnist_figures import (
    plot_channel_connections,
    plot_confusion_matrix,
    plot_parameter_and_work_shares,
    plot_parameters_vs_accuracy,
)
from .model import (
    Conv2D,
    Dense,
    Flatten,
    GlobalAveragePool2D,
    Layer,
    LocallyConnected2D,
    MaxPool2D,
    ReLU,
    Sequential,
)
from .padding import PADDING_MODES, pad2d, padding_mask
from .photos import PHOTOGRAPHS, load_photograph
from .pooling import global_average_pool, global_max_pool, max_pool2d, max_pool2d_backward
from .position_statistics import (
    FACE_REGIONS,
    cell_statistics,
    orientation_histograms,
    position_dependence,
    region_histogram,
)
from .results import (
    PairedComparison,
    bootstrap_interval,
    compare_on_same_examples,
    confusion_matrix,
    mean_and_spread,
    paired_difference,
    proportion_interval,
)
from .sharing_figures import (
    example_filter,
    plot_depth_slices,
    plot_gradient_sum,
    plot_parameter_counts,
    plot_shift_maps,
)
from .sliding import SlidingFrame, products_text, sliding_window_frame
from .summary import ModelSummary, SummaryRow, build_model, summarize
from .tables import fit_table, text_table
from .training import Adam, ProgressBar, TrainingHistory, accuracy, train
from .window_explorer import explorer_frame_html, sliding_window_explorer

__version__ = "0.1.0"

__all__ = [
    "Adam",
    "CLASS_NAMES",
    "Conv2D",
    "ConvGeometry",
    "ConvSpec",
    "Dense",
    "DenseSpec",
    "DepthwiseSeparableSpec",
    "DigitData",
    "FACE_REGIONS",
    "FaceData",
    "FitResult",
    "Flatten",
    "FlattenSpec",
    "GlobalAveragePool2D",
    "Layer",
    "LayerCounts",
    "LayerSpec",
    "LocallyConnected2D",
    "LocallyConnectedSpec",
    "MNIST_SHA256",
    "MaxPool2D",
    "MaxPoolSpec",
    "ModelSummary",
    "NOTEBOOKS",
    "Notebook",
    "OKABE_ITO",
    "PADDING_MODES",
    "PHOTOGRAPHS",
    "PairedComparison",
    "ProgressBar",
    "ReLU",
    "ReLUSpec",
    "ReceptiveFieldRow",
    "Sequential",
    "ShiftComparison",
    "SlidingFrame",
    "SummaryRow",
    "TrainingHistory",
    "WindowLayout",
    "accuracy",
    "bootstrap_interval",
    "build_model",
    "cell_statistics",
    "channel_connections",
    "check_bigger_faces_weights",
    "check_corner_output",
    "check_filter_weights",
    "check_fitting_strides",
    "check_grouped_params",
    "check_growth_factors",
    "check_local_macs",
    "check_local_params",
    "check_output_width",
    "check_receptive_field",
    "check_reflect_row",
    "check_resnext_params",
    "check_same_padding",
    "check_second_conv_params",
    "check_shared_weights",
    "check_strided_output_size",
    "check_strided_reads",
    "check_unshared_params",
    "check_valid_dense_params",
    "compare_on_same_examples",
    "compare_shifted",
    "confusion_matrix",
    "conv2d",
    "conv2d_backward",
    "conv2d_reference",
    "conv_arithmetic_explorer",
    "conv_arithmetic_report",
    "conv_geometry",
    "conv_macs",
    "conv_output_size",
    "conv_params",
    "coverage_counts",
    "dense",
    "dense_backward",
    "dense_macs",
    "dense_params",
    "depthwise_separable_params",
    "effective_kernel_size",
    "equivariance_error",
    "example_filter",
    "explorer_frame_html",
    "fit_table",
    "fitting_configurations",
    "format_bytes",
    "global_average_pool",
    "global_max_pool",
    "grid_5x5",
    "grouped_conv2d",
    "grouped_conv2d_backward",
    "load_digits",
    "load_faces",
    "load_photograph",
    "locally_connected2d",
    "locally_connected2d_backward",
    "locally_connected_macs",
    "locally_connected_params",
    "max_pool2d",
    "max_pool2d_backward",
    "mean_and_spread",
    "memory_bytes",
    "numerical_gradient",
    "orientation_histograms",
    "pad2d",
    "padding_mask",
    "paired_difference",
    "plot_accuracy_by_shift",
    "plot_channel_connections",
    "plot_confusion_matrix",
    "plot_conv_step",
    "plot_coverage_grid",
    "plot_depth_slices",
    "plot_filters",
    "plot_gradient_sum",
    "plot_grid",
    "plot_grid_row",
    "plot_image_grid",
    "plot_layer_sizes",
    "plot_parameter_and_work_shares",
    "plot_parameter_counts",
    "plot_parameters_vs_accuracy",
    "plot_receptive_field",
    "plot_region_histograms",
    "plot_regions",
    "plot_shift_maps",
    "plot_window_positions",
    "position_dependence",
    "products_text",
    "proportion_interval",
    "receptive_field",
    "region_histogram",
    "rel_error",
    "relu",
    "relu_backward",
    "rgb_like_grid",
    "same_padding",
    "shift_image",
    "shift_images",
    "sliding_window_explorer",
    "sliding_window_frame",
    "softmax_cross_entropy",
    "summarize",
    "text_table",
    "train",
    "train_test_split",
    "translate_images",
    "transposed_conv_output_size",
    "use_course_style",
    "vertical_edge_kernel",
    "window_layout",
]
