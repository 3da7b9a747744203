"""Date arithmetic in SQL that gives the same answer on SQLite (dates kept as ISO text) and
PostgreSQL (a date type), for sums grouped by date in the database."""

from __future__ import annotations

from typing import Any

from django.db.models import DateField, Func, IntegerField


class DaysBetween(Func):
    """``later − earlier`` in whole days, for two date columns: date subtraction on PostgreSQL, the
    difference of Julian day numbers on SQLite (which keeps dates as ISO text)."""

    arity = 2
    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # julianday() of two dates differs by a whole number, exactly, as a float
        return self.as_sql(
            compiler,
            connection,
            template="CAST(JULIANDAY(%(expressions)s) AS INTEGER)",
            arg_joiner=") - JULIANDAY(",
            **extra_context,
        )


class MonthOf(Func):
    """The first day of a date's month (NULL stays NULL). On SQLite cutting the ISO text is exact
    and parses no date per row."""

    arity = 1
    output_field = DateField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, template="(substr(%(expressions)s, 1, 7) || '-01')", **extra_context)

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        template = "CAST(date_trunc('month', %(expressions)s) AS date)"
        return self.as_sql(compiler, connection, template=template, **extra_context)


class MonthOfNextDay(Func):
    """The first day of the month of the day after a date (NULL stays NULL): whether a due date
    is on or after a month's last day is whether this is after that month. SQLite computes the
    next day only for the 28th and later (the rest stay in their month), since date arithmetic on
    every row of a million took most of a grouped read."""

    arity = 1
    output_field = DateField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        template = (
            "(CASE WHEN substr(%(expressions)s, 9, 2) >= '28' THEN substr(date(%(expressions)s, '+1 day'), 1, 7)"
            " ELSE substr(%(expressions)s, 1, 7) END || '-01')"
        )
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        template = "CAST(date_trunc('month', %(expressions)s + 1) AS date)"
        return self.as_sql(compiler, connection, template=template, **extra_context)


class Unindexed(Func):
    """A column SQLite answers from no index (``COALESCE(column, column)``), for a filter most of
    whose rows are read anyway: given the column, SQLite may walk an index on it and look up every
    row it lists, or start a join from the wrong table. PostgreSQL gets the column itself, whose
    statistics estimate the range."""

    arity = 1
    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, template="COALESCE(%(expressions)s, %(expressions)s)", **extra_context)
