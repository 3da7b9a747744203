"""The customer statement (对账单) for a period, as a ledger the customer can check line by line.

An installment is charged when it falls due (its due date, or its contract's signing date if it
was due before that); a receipt is credited when received and charged back if reversed; an
adjustment (credit note, discount, write-off) is credited when it takes effect and charged back if
reversed. Allocations move no money between us and the customer, so they are not lines. So:
- the balance on any date D is charges by D less credits by D, and the closing balance of one
  period is the opening balance of the next (tested);
- closing balance + the booked installments not yet due on the last day = the customer's balance
  of DOMAIN.md rule 6 (open installments less unapplied cash), shown under the ledger so the
  statement agrees with the aging and the customer page.
All sums are in whole cents in the database (``money.Cents``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from huikuan.contracts.models import Installment
from huikuan.core.dates import date_from_sql, date_range_message, in_business_range
from huikuan.core.errors import DomainError
from huikuan.core.money import ZERO, Cents, from_cents
from huikuan.customers.models import Customer
from huikuan.receivables import figures
from huikuan.receivables.choices import AdjustmentKind, PaymentMethod
from huikuan.receivables.models import Adjustment, Receipt
from huikuan.reports.errors import ReportErrorCode

# a statement's period: at most ten years, so a statement stays a document one can read
MAX_DAYS = 3660


class LineKind:
    DUE = "due"
    RECEIPT = "receipt"
    RECEIPT_REVERSED = "receipt_reversed"
    ADJUSTMENT = "adjustment"
    ADJUSTMENT_REVERSED = "adjustment_reversed"


@dataclass
class StatementLine:
    on: dt.date
    kind: str
    reference: str  # contract number and installment, receipt number, adjustment kind
    description: str
    charge: Decimal = ZERO  # what the customer owes more (借方)
    credit: Decimal = ZERO  # what they owe less (贷方)
    balance: Decimal = ZERO  # after this line
    order: tuple[int, int] = (0, 0)


@dataclass
class Statement:
    customer: Customer
    currency: str
    start: dt.date
    end: dt.date
    opening: Decimal
    lines: list[StatementLine] = field(default_factory=list)
    not_yet_due: Decimal = ZERO
    unapplied: Decimal = ZERO

    @property
    def charges(self) -> Decimal:
        return sum((line.charge for line in self.lines), ZERO)

    @property
    def credits(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.charges - self.credits

    @property
    def balance(self) -> Decimal:
        """The customer's balance on the last day (rule 6): the closing balance and what is booked
        but not yet due."""
        return self.closing + self.not_yet_due


def _charged_on() -> Greatest:
    return Greatest(F("due_date"), F("booked_on"))


def _sum(rows: QuerySet, expression: object) -> Decimal:
    return from_cents(rows.aggregate(t=Sum(expression))["t"])


def ledger_balance(customer_id: int, currency: str, on: dt.date) -> Decimal:
    """Charges by ``on`` less credits by ``on``: what had fallen due and was not paid or adjusted."""
    installments = Installment.objects.filter(customer_id=customer_id, currency=currency, booked_on__isnull=False)
    charged = _sum(installments.filter(booked_on__lte=on, due_date__lte=on), Cents("amount"))
    live = Q(reversed_on__isnull=True) | Q(reversed_on__gt=on)
    receipts = Receipt.objects.filter(Q(customer_id=customer_id, currency=currency, received_on__lte=on) & live)
    adjustments = Adjustment.objects.filter(
        Q(customer_id=customer_id, installment__currency=currency, effective_on__lte=on) & live
    )
    return charged - _sum(receipts, Cents("amount")) - _sum(adjustments, Cents("amount"))


def check_period(start: dt.date, end: dt.date) -> None:
    """Refuse a period out of order, outside the business dates or longer than ten years."""
    for name, day in (("start", start), ("end", end)):
        if not in_business_range(day):
            raise DomainError(ReportErrorCode.INVALID_PERIOD, date_range_message(), field=name)
    if end < start:
        raise DomainError(ReportErrorCode.INVALID_PERIOD, _("The period ends before it starts."), field="end")
    if (end - start).days > MAX_DAYS:
        raise DomainError(ReportErrorCode.INVALID_PERIOD, _("A statement covers at most ten years."), field="end")


def customer_statement(*, customer: Customer, currency: str, start: dt.date, end: dt.date) -> Statement:
    """The statement of ``customer`` (already checked to be in the user's scope) in ``currency``
    from ``start`` to ``end``, both included. Raises DomainError for a bad period."""
    check_period(start, end)
    opening = ledger_balance(customer.pk, currency, start - dt.timedelta(days=1))
    statement = Statement(customer, currency, start, end, opening)
    lines: list[StatementLine] = []
    # rows as tuples and each message translated once: a large customer's year has thousands of lines
    due_text = _("Installment due: %(title)s")
    due = (
        # due_date named: PostgreSQL's GREATEST skips a NULL, SQLite's MAX returns it
        Installment.objects.filter(
            customer=customer, currency=currency, booked_on__isnull=False, due_date__isnull=False
        )
        .annotate(charged_on=_charged_on())
        .filter(charged_on__gte=start, charged_on__lte=end)
        .order_by("charged_on", "contract_id", "sequence")
        .values_list("pk", "charged_on", "contract__number", "contract__title", "label", "sequence", "amount")
    )
    for pk, charged_on, number, title, label, sequence, amount in due:
        lines.append(
            StatementLine(
                date_from_sql(charged_on) or start,
                LineKind.DUE,
                f"{number} {label or f'#{sequence}'}",
                due_text % {"title": title},
                charge=amount,
                order=(0, pk),
            )
        )
    methods = dict(PaymentMethod.choices)
    received_text, reversed_text = _("Payment received (%(method)s)"), _("Payment reversed: %(reason)s")
    receipts = Receipt.objects.filter(customer=customer, currency=currency).order_by()
    fields = ("pk", "number", "amount", "method", "received_on", "reversed_on", "reversal_reason")
    received = receipts.filter(received_on__gte=start, received_on__lte=end).values_list(*fields)
    for pk, number, amount, method, received_on, _reversed_on, _reason in received:
        text = received_text % {"method": methods.get(method, method)}
        lines.append(StatementLine(received_on, LineKind.RECEIPT, number, text, credit=amount, order=(1, pk)))
    reversed_receipts = receipts.filter(reversed_on__gte=start, reversed_on__lte=end).values_list(*fields)
    for pk, number, amount, _method, _received_on, reversed_on, reason in reversed_receipts:
        text = reversed_text % {"reason": reason}
        lines.append(StatementLine(reversed_on, LineKind.RECEIPT_REVERSED, number, text, charge=amount, order=(2, pk)))
    kinds = dict(AdjustmentKind.choices)
    undone_text = _("%(kind)s reversed: %(reason)s")
    adjustments = Adjustment.objects.filter(customer=customer, installment__currency=currency).order_by()
    columns = ("pk", "installment__contract__number", "kind", "amount", "reason", "effective_on", "reversed_on",
               "reversal_reason")  # fmt: skip
    made = adjustments.filter(effective_on__gte=start, effective_on__lte=end).values_list(*columns)
    for pk, number, kind, amount, reason, effective_on, _reversed_on, _why in made:
        text = f"{kinds.get(kind, kind)}: {reason}"
        lines.append(StatementLine(effective_on, LineKind.ADJUSTMENT, number, text, credit=amount, order=(3, pk)))
    undone = adjustments.filter(reversed_on__gte=start, reversed_on__lte=end).values_list(*columns)
    for pk, number, kind, amount, _reason, _effective_on, reversed_on, why in undone:
        text = undone_text % {"kind": kinds.get(kind, kind), "reason": why}
        lines.append(
            StatementLine(reversed_on, LineKind.ADJUSTMENT_REVERSED, number, text, charge=amount, order=(4, pk))
        )
    lines.sort(key=lambda line: (line.on, line.order))
    balance = opening
    for line in lines:
        balance += line.charge - line.credit
        line.balance = balance
    statement.lines = lines
    booked = Installment.objects.filter(customer=customer, currency=currency, booked_on__lte=end)
    statement.not_yet_due = _sum(booked.filter(Q(due_date__isnull=True) | Q(due_date__gt=end)), Cents("amount"))
    statement.unapplied = figures.unapplied_total(Receipt.objects.filter(customer=customer, currency=currency), end)
    return statement
