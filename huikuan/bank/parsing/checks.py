"""Checks that a statement adds up: its balances, and the totals the file declares."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from . import ParsedStatement, RowError


def _label(statement: ParsedStatement, number: int) -> str:
    if statement.account:
        return _("Statement %(number)s (account %(account)s)") % {"number": number, "account": statement.account}
    return _("Statement %(number)s") % {"number": number}


def statement_problems(statement: ParsedStatement, number: int) -> list[RowError]:
    """Opening + lines = closing when both balances are given; declared totals = the lines' sums."""
    errors: list[RowError] = []
    net = sum((line.amount for line in statement.lines), Decimal(0))
    opening, closing = statement.opening_balance, statement.closing_balance
    if opening is not None and closing is not None and opening + net != closing:
        errors.append(
            RowError(
                row=None,
                field="balance",
                message=_(
                    "%(statement)s does not add up: the opening balance %(opening)s plus the lines' total "
                    "%(net)s makes %(expected)s, but the closing balance is %(closing)s."
                )
                % {
                    "statement": _label(statement, number),
                    "opening": opening,
                    "net": net,
                    "expected": opening + net,
                    "closing": closing,
                },
            )
        )
    credits = sum((line.amount for line in statement.lines if line.amount > 0), Decimal(0))
    debits = -sum((line.amount for line in statement.lines if line.amount < 0), Decimal(0))
    for declared, actual, field, message in (
        (
            statement.declared_credit_total,
            credits,
            "credit_total",
            _("%(statement)s declares credits of %(declared)s in total, but its lines add up to %(actual)s."),
        ),
        (
            statement.declared_debit_total,
            debits,
            "debit_total",
            _("%(statement)s declares debits of %(declared)s in total, but its lines add up to %(actual)s."),
        ),
    ):
        if declared is not None and declared != actual:
            errors.append(
                RowError(
                    row=None,
                    field=field,
                    message=message % {"statement": _label(statement, number), "declared": declared, "actual": actual},
                )
            )
    return errors
