"""Collecting every problem of a file before giving up, so one upload reports them all."""

from __future__ import annotations

from . import RowError, StatementFileError


class Problems:
    def __init__(self) -> None:
        self.errors: list[RowError] = []

    def add(self, row: int | None, field: str, message: str) -> None:
        self.errors.append(RowError(row=row, field=field, message=message))

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise StatementFileError(self.errors)


def fail(message: str, field: str = "", row: int | None = None) -> StatementFileError:
    """An error for the file as a whole (or one place of it), to raise at once."""
    return StatementFileError([RowError(row=row, field=field, message=message)])
