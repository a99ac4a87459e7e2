"""Plain-text tables that read well in a notebook and in a test diff."""

from __future__ import annotations

import re
import textwrap

from typing import Sequence

from ..conv.geometry import fitting_configurations
from ..validation import check_int

__all__ = ["fit_table", "text_table"]


def _check_rows(rows: object, name: str, columns: int) -> None:
    """Raise unless ``rows`` is a list of lists of ``columns`` cells each."""
    if isinstance(rows, str) or not isinstance(rows, (list, tuple)):
        raise TypeError(f"{name} must be a list of rows, each a list of cells, got {rows!r}")
    for number, row in enumerate(rows):
        if isinstance(row, str) or not isinstance(row, (list, tuple)):
            raise TypeError(f"{name}[{number}] must be a list of cells, got {row!r}")
        if len(row) != columns:
            raise ValueError(
                f"{name}[{number}] must have one cell per header ({columns}), got {len(row)}"
            )


def text_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    footer: Sequence[Sequence[object]] = (),
    left_columns: int = 0,
    max_width: int = 100,
) -> str:
    """Format rows as a fixed-width text table, right-aligned unless asked otherwise.

    A table wider than ``max_width`` characters (100 by default: what a
    projector shows without wrapping) wraps the text of its widest columns
    onto more lines, at spaces, never inside a word.

    Parameters
    ----------
    headers : sequence of str
        Column titles.
    rows : sequence of sequences
        One entry per row, as many cells as ``headers``.
    footer : sequence of sequences, optional
        Rows shown after a second rule, e.g. the totals.
    left_columns : int
        How many columns, from the first, are left-aligned (names read best
        that way); the others are right-aligned, as numbers are.
    max_width : int
        Longest line; columns wrap their text to keep the table within it
        (a single word longer than its column still stands whole).

    Returns
    -------
    str
        The table, one line per row, with a rule under the headers (and
        one above the footer).
    """
    if isinstance(headers, str) or not isinstance(headers, (list, tuple)):
        raise TypeError(f"headers must be a list of column titles, got {headers!r}")
    _check_rows(rows, "rows", len(headers))
    _check_rows(footer, "footer", len(headers))
    left_columns = check_int(left_columns, "left_columns", minimum=0)
    max_width = check_int(max_width, "max_width", minimum=20)
    cells = [[str(c) for c in line] for line in [headers, *rows, *footer]]
    widths = _column_widths(cells, max_width)

    def format_line(line: list[str]) -> str:
        wrapped = [textwrap.wrap(cell, width, break_long_words=False) or [""]
                   for cell, width in zip(line, widths)]
        height = max(len(parts) for parts in wrapped)
        # Wrapped cells start at the row's top line; the others sit on it too.
        return "\n".join(
            "  ".join(
                (parts[k] if k < len(parts) else "").ljust(width) if column < left_columns
                else (parts[k] if k < len(parts) else "").rjust(width)
                for column, (parts, width) in enumerate(zip(wrapped, widths))
            ).rstrip()
            for k in range(height)
        )

    rule = "  ".join("-" * w for w in widths)
    body = [format_line(line) for line in cells[1 : 1 + len(rows)]]
    lines = [format_line(cells[0]), rule, *body]
    if footer:
        lines += [rule] + [format_line(line) for line in cells[1 + len(rows) :]]
    return "\n".join(lines)


def _column_widths(cells: list[list[str]], max_width: int) -> list[int]:
    """Each column's width: its longest text, narrowed (widest first) until the table fits."""
    widths = [max(len(line[i]) for line in cells) for i in range(len(cells[0]))]
    # A column cannot be narrower than its longest word.
    floors = [max((len(word) for line in cells for word in line[i].split()), default=1)
              for i in range(len(widths))]

    def too_wide() -> bool:
        return sum(widths) + 2 * (len(widths) - 1) > max_width

    # First wrap the headers that are wider than their column's values ("Memory
    # (float32)" over "1.28 KB"): that costs the values nothing.
    values = [max((len(line[i]) for line in cells[1:]), default=0) for i in range(len(widths))]
    for i in sorted(range(len(widths)), key=lambda i: values[i] - widths[i]):
        if not too_wide():
            break
        # A header may also break after a hyphen ("Multiply-" / "adds"), as textwrap does.
        header_floor = max((len(word) for word in re.split(r"\s+|(?<=-)", cells[0][i]) if word),
                           default=1)
        excess = sum(widths) + 2 * (len(widths) - 1) - max_width
        widths[i] = max(widths[i] - excess, values[i], header_floor)
    while too_wide():
        narrowable = [i for i in range(len(widths)) if widths[i] > floors[i]]
        if not narrowable:
            break
        widest = max(narrowable, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


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
