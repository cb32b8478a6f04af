"""The one exception the statistics library raises for input it cannot use."""

from __future__ import annotations


class DesignError(ValueError):
    """A survey's data or design cannot give a design-based estimate.

    ``row`` is the data row as a person counts it in the file (the header is row 1, so the
    first response is row 2), or None when the fault is not one row's; ``column`` names the
    column at fault, or None. The message names both, so that a command line or a page can
    show it as it is.
    """

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        self.row = row
        self.column = column
        where = []
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        self.detail = message
        super().__init__(f"{', '.join(where)}: {message}" if where else message)
