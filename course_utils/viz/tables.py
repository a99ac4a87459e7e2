"""Plain-text tables that read well in a notebook and in a test diff."""

from __future__ import annotations

from typing import Sequence

from ..conv.geometry import fitting_configurations

__all__ = ["fit_table", "text_table"]


def text_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Format rows as a right-aligned, fixed-width text table.

    Parameters
    ----------
    headers : sequence of str
        Column titles.
    rows : sequence of sequences
        One entry per row, as many cells as ``headers``.

    Returns
    -------
    str
        The table, one line per row, with a rule under the headers.
    """
    if isinstance(headers, str) or not isinstance(headers, (list, tuple)):
        raise TypeError(f"headers must be a list of column titles, got {headers!r}")
    if isinstance(rows, str) or not isinstance(rows, (list, tuple)):
        raise TypeError(f"rows must be a list of rows, each a list of cells, got {rows!r}")
    for number, row in enumerate(rows):
        if isinstance(row, str) or not isinstance(row, (list, tuple)):
            raise TypeError(f"rows[{number}] must be a list of cells, got {row!r}")
        if len(row) != len(headers):
            raise ValueError(
                f"rows[{number}] must have one cell per header ({len(headers)}), got {len(row)}"
            )
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(headers))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(line, widths)) for line in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def fit_table(
    size: int,
    kernel_sizes: Sequence[int] = range(1, 8),
    strides: Sequence[int] = range(1, 5),
    paddings: Sequence[int] = range(0, 4),
) -> str:
    """Which (kernel, stride, padding) settings fit an input exactly.

    One row per kernel and stride, one column per padding. A cell holds the
    output size when the windows fit exactly and ``·`` when they do not.

    Parameters
    ----------
    size : int
        Input size (one dimension).
    kernel_sizes, strides, paddings : sequences of int

    Returns
    -------
    str
        The table as text.
    """
    results = {(r.kernel_size, r.stride, r.padding): r for r in
               fitting_configurations(size, kernel_sizes, strides, paddings)}
    headers = ["K", "S"] + [f"P={p}" for p in paddings]
    rows = []
    for kernel in kernel_sizes:
        for stride in strides:
            cells = [results[(kernel, stride, p)] for p in paddings]
            rows.append([kernel, stride] + [c.output_size if c.fits else "·" for c in cells])
    return text_table(headers, rows)
