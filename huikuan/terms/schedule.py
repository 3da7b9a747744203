"""Turning payment terms into a schedule of installments: amounts that sum exactly to the total,
and due dates from each line's rule. Pure functions, no database, so previews and hypothesis
tests use exactly what contracts use."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import cast

from django.utils.translation import gettext as _

from huikuan.core import money
from huikuan.core.dates import require_business_date, require_offset_days, require_offset_months
from huikuan.core.errors import CoreErrorCode, DomainError
from huikuan.terms.choices import PERIOD_MONTHS, AmountKind, DueRule
from huikuan.terms.errors import TermsErrorCode

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineSpec:
    """One template line as plain data (a PaymentTermsLine or the API's input)."""

    amount_kind: str
    due_rule: str
    percent: Decimal | None = None
    fixed_amount: Decimal | None = None
    days: int = 0
    months: int = 0
    day_of_month: int | None = None
    fixed_date: dt.date | None = None
    milestone: str = ""
    periods: int = 1
    period: str = ""
    is_retention: bool = False
    label: str = ""

    @classmethod
    def from_line(cls, line) -> LineSpec:
        return cls(**{name: getattr(line, name) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class PlannedInstallment:
    sequence: int
    label: str
    amount: Decimal
    due_date: dt.date | None
    milestone: str = ""
    offset_days: int = 0
    offset_months: int = 0
    is_retention: bool = False
    notes: list[str] = field(default_factory=list)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def due_after_milestone(reached_on: dt.date, *, days: int, months: int) -> dt.date:
    """The due date of an installment waiting on a milestone. Offsets are bounded when entered
    (core.dates); one stored before those bounds is refused here, not a crash. Raises DomainError."""
    try:
        return add_months(reached_on, months) + dt.timedelta(days=days)
    except (OverflowError, ValueError) as error:
        message = _("An installment's offset puts its due date beyond any calendar.")
        raise DomainError(CoreErrorCode.OFFSET_OUT_OF_RANGE, message, field="reached_on") from error


def _fail(code: StrEnum, message: str, index: int | None = None, field_name: str | None = None) -> DomainError:
    where = f"lines[{index}].{field_name}" if index is not None and field_name else "lines"
    return DomainError(code, message, field=where)


def validate_lines(lines: Sequence[LineSpec], *, currency: str) -> None:
    """Refuse a template that cannot produce a valid plan for any amount in ``currency`` (the
    company's when a template is saved, the contract's when it is applied), naming the line and
    field at fault (``lines[2].percent``). Raises DomainError."""
    if not lines:
        raise _fail(TermsErrorCode.TERMS_EMPTY, _("A payment terms template needs at least one line."))
    remainders = [i for i, line in enumerate(lines) if line.amount_kind == AmountKind.REMAINDER]
    if len(remainders) > 1:
        raise _fail(
            TermsErrorCode.TERMS_TWO_REMAINDERS,
            _("Only one line can take the remainder."),
            remainders[1],
            "amount_kind",
        )
    for index, line in enumerate(lines):
        _validate_amount(line, index, currency)
        _validate_due_rule(line, index)
    _refuse_repeated_lines(lines)
    _refuse_amounts_that_never_fit(lines, has_remainder=bool(remainders), currency=currency)


def _refuse_repeated_lines(lines: Sequence[LineSpec]) -> None:
    """A line the same as an earlier one in amount and due date (whatever its label) is a line
    entered twice: the two would make two identical installments due the same day."""
    seen: dict[LineSpec, int] = {}
    for index, line in enumerate(lines):
        key = replace(line, label="")
        if key in seen:
            raise _fail(
                TermsErrorCode.TERMS_REPEATED_LINE,
                _("This line repeats line %(line)s: merge them into one line.") % {"line": seen[key] + 1},
                index,
                "amount_kind",
            )
        seen[key] = index


def _refuse_amounts_that_never_fit(lines: Sequence[LineSpec], *, has_remainder: bool, currency: str) -> None:
    """Refuse lines whose amounts fit no total: percentages over 100%, fixed amounts beside
    percentages that already make 100%, percentages short of 100% with nothing to take the rest, or
    fixed amounts that could only close percentages short of 100% for a total that is not a whole
    fen."""
    percent_total = Decimal(0)
    full_at: int | None = None  # the line where the percentages reach 100%
    for index, line in enumerate(lines):
        if line.amount_kind != AmountKind.PERCENT:
            continue
        percent_total += cast(Decimal, line.percent)
        if percent_total > HUNDRED:
            raise _fail(
                TermsErrorCode.TERMS_PERCENT_OVER_100,
                _("The percentages add up to %(total)s%%, more than 100%%.")
                % {"total": f"{percent_total.normalize():f}"},
                index,
                "percent",
            )
        if percent_total == HUNDRED:
            full_at = index
    fixed = [i for i, line in enumerate(lines) if line.amount_kind == AmountKind.FIXED]
    fixed_total = sum((cast(Decimal, lines[i].fixed_amount) for i in fixed), Decimal(0))
    if full_at is not None and fixed:
        # 100% of the total plus a fixed amount is always more than the total.
        index, field_name = (full_at, "percent") if full_at > fixed[-1] else (fixed[-1], "fixed_amount")
        raise _fail(
            TermsErrorCode.TERMS_FIXED_BEYOND_100,
            _("The percentages already make 100%, so no fixed amount fits beside them."),
            index,
            field_name,
        )
    if fixed_total > money.MAX_AMOUNT:
        raise _fail(
            TermsErrorCode.TERMS_NEVER_FIT,
            _("The fixed amounts add up to more than the largest amount, %(max)s.") % {"max": f"{money.MAX_AMOUNT:,}"},
            fixed[-1],
            "fixed_amount",
        )
    if has_remainder:
        if full_at is not None:
            remainder = next(i for i, line in enumerate(lines) if line.amount_kind == AmountKind.REMAINDER)
            raise _fail(
                TermsErrorCode.TERMS_REMAINDER_EMPTY,
                _("The percentages already make 100%; the remainder line would be empty."),
                remainder,
                "amount_kind",
            )
        return
    if not fixed:
        if percent_total != HUNDRED:
            raise _fail(
                TermsErrorCode.TERMS_REMAINDER_NEEDED,
                _("The percentages add up to %(total)s%%: make them 100%% or add a remainder line.")
                % {"total": f"{percent_total.normalize():f}"},
            )
        return
    if percent_total and full_at is None:
        # Fixed amounts F close percentages P < 100% only for the total F * 100 / (100 - P).
        total = fixed_total * HUNDRED / (HUNDRED - percent_total)
        if not money.has_valid_precision(total, currency) or total > money.MAX_AMOUNT:
            raise _fail(
                TermsErrorCode.TERMS_NEVER_FIT,
                _(
                    "These percentages and fixed amounts fit no amount exactly: "
                    "add a remainder line or make the percentages 100%."
                ),
                fixed[-1],
                "fixed_amount",
            )


def _validate_amount(line: LineSpec, index: int, currency: str) -> None:
    if line.amount_kind == AmountKind.PERCENT:
        if line.percent is None or line.percent <= 0 or line.percent > HUNDRED:
            raise _fail(
                TermsErrorCode.TERMS_BAD_PERCENT,
                _("A percentage must be more than 0 and at most 100."),
                index,
                "percent",
            )
        if line.percent != line.percent.quantize(Decimal("0.0001")):
            raise _fail(
                TermsErrorCode.TERMS_BAD_PERCENT, _("A percentage has at most four decimal places."), index, "percent"
            )
    elif line.amount_kind == AmountKind.FIXED:
        if line.fixed_amount is None or line.fixed_amount <= 0:
            raise _fail(
                TermsErrorCode.TERMS_BAD_FIXED_AMOUNT, _("A fixed amount must be positive."), index, "fixed_amount"
            )
        # the one amount check (sign, the currency's minor unit, limit), with the line's field name
        money.validate_amount(line.fixed_amount, currency, field=f"lines[{index}].fixed_amount")
    elif line.amount_kind != AmountKind.REMAINDER:
        raise _fail(TermsErrorCode.TERMS_BAD_AMOUNT_KIND, _("Unknown amount kind."), index, "amount_kind")


def _validate_due_rule(line: LineSpec, index: int) -> None:
    if line.days is None or line.days < 0:
        raise _fail(TermsErrorCode.TERMS_NEGATIVE_DAYS, _("Days cannot be negative."), index, "days")
    if line.months is None or line.months < 0:
        raise _fail(TermsErrorCode.TERMS_NEGATIVE_MONTHS, _("Months cannot be negative."), index, "months")
    require_offset_days(line.days, field=f"lines[{index}].days")
    require_offset_months(line.months, field=f"lines[{index}].months")
    rule = line.due_rule
    if rule == DueRule.FIXED_DATE and line.fixed_date is None:
        raise _fail(TermsErrorCode.TERMS_DATE_NEEDED, _("A fixed-date line needs its date."), index, "fixed_date")
    if line.fixed_date is not None:
        require_business_date(line.fixed_date, field=f"lines[{index}].fixed_date")
    if rule == DueRule.DAY_OF_MONTH and not (line.day_of_month and 1 <= line.day_of_month <= 31):
        raise _fail(TermsErrorCode.TERMS_DAY_NEEDED, _("Give the day of the month, 1 to 31."), index, "day_of_month")
    if rule == DueRule.AFTER_MILESTONE and not line.milestone:
        raise _fail(
            TermsErrorCode.TERMS_MILESTONE_NEEDED, _("Name the milestone the line waits for."), index, "milestone"
        )
    if rule == DueRule.RECURRING:
        if line.period not in PERIOD_MONTHS:
            raise _fail(
                TermsErrorCode.TERMS_PERIOD_NEEDED,
                _("A recurring line needs a period: month or quarter."),
                index,
                "period",
            )
        if not line.periods or line.periods < 1 or line.periods > 120:
            raise _fail(TermsErrorCode.TERMS_BAD_PERIODS, _("A recurring line has 1 to 120 periods."), index, "periods")
    elif rule not in DueRule.values:
        raise _fail(TermsErrorCode.TERMS_BAD_DUE_RULE, _("Unknown due rule."), index, "due_rule")


def _line_due_dates(line: LineSpec, base: dt.date) -> list[dt.date | None]:
    rule = line.due_rule
    if rule == DueRule.AFTER_BASE:
        return [base + dt.timedelta(days=line.days)]
    if rule == DueRule.FIXED_DATE:
        return [line.fixed_date]
    if rule == DueRule.END_OF_MONTH:
        return [end_of_month(add_months(base, line.months)) + dt.timedelta(days=line.days)]
    if rule == DueRule.DAY_OF_MONTH:
        month = add_months(base.replace(day=1), line.months or 1)
        day = min(line.day_of_month or 1, calendar.monthrange(month.year, month.month)[1])
        return [month.replace(day=day)]
    if rule == DueRule.AFTER_MILESTONE:
        return [None]
    first = base + dt.timedelta(days=line.days)
    step = PERIOD_MONTHS[line.period]
    return [add_months(first, step * k) for k in range(line.periods)]


def _round(amount: Decimal, currency: str, whole_units: bool) -> Decimal:
    return money.round_whole(amount) if whole_units else money.quantize(amount, currency)


def _split_exactly(
    amounts: list[Decimal | None], total: Decimal, absorber: int, currency: str, whole: bool
) -> list[Decimal]:
    """Round every piece but the absorbing one; that one takes what is left, so the sum is exact."""
    rounded = [Decimal(0) if a is None else _round(a, currency, whole) for a in amounts]
    rounded[absorber] = total - sum(r for i, r in enumerate(rounded) if i != absorber)
    return rounded


def build_schedule(
    lines: Sequence[LineSpec],
    *,
    total: Decimal,
    currency: str,
    base_date: dt.date,
    whole_units: bool = False,
) -> list[PlannedInstallment]:
    """The installments the lines make of ``total``; they sum to it exactly.

    Raises DomainError when the lines are invalid, fixed amounts exceed the total, or the total is
    too small to give every installment a positive amount."""
    validate_lines(lines, currency=currency)
    total = money.quantize(total, currency)
    if total <= 0:
        raise DomainError(CoreErrorCode.AMOUNT_NOT_POSITIVE, _("The amount must be positive."), field="amount")
    raw: list[Decimal | None] = []
    for line in lines:
        if line.amount_kind == AmountKind.PERCENT:
            # validate_lines refused a percent line without a percentage.
            raw.append(total * cast(Decimal, line.percent) / HUNDRED)
        elif line.amount_kind == AmountKind.FIXED:
            raw.append(line.fixed_amount)
        else:
            raw.append(None)
    remainder_index = next((i for i, a in enumerate(raw) if a is None), None)
    known = sum(a for a in raw if a is not None)
    if known > total or (remainder_index is None and known != total):
        raise DomainError(
            TermsErrorCode.TERMS_DO_NOT_FIT_AMOUNT,
            _("The template's amounts add up to %(sum)s, not to the total %(total)s.")
            % {"sum": money.display(known), "total": money.display(total)},
            field="amount",
        )
    absorber = len(lines) - 1 if remainder_index is None else remainder_index
    line_amounts = _split_exactly(raw, total, absorber, currency, whole_units)
    planned: list[PlannedInstallment] = []
    for line, line_amount in zip(lines, line_amounts, strict=True):
        dates = _line_due_dates(line, base_date)
        share = line_amount / len(dates)
        pieces = _split_exactly([share] * len(dates), line_amount, len(dates) - 1, currency, whole_units)
        for period_index, (due, amount) in enumerate(zip(dates, pieces, strict=True)):
            label = line.label or ""
            if len(dates) > 1:
                label = f"{label} {period_index + 1}/{len(dates)}".strip()
            planned.append(
                PlannedInstallment(
                    sequence=len(planned) + 1,
                    label=label,
                    amount=amount,
                    due_date=due,
                    milestone=line.milestone if line.due_rule == DueRule.AFTER_MILESTONE else "",
                    offset_days=line.days,
                    offset_months=line.months,
                    is_retention=line.is_retention,
                )
            )
    if any(p.amount <= 0 for p in planned):
        raise DomainError(
            TermsErrorCode.AMOUNT_TOO_SMALL_TO_SPLIT,
            _("The amount is too small to split into these installments."),
            field="amount",
        )
    if sum(p.amount for p in planned) != total:  # pragma: no cover - guarded by construction
        raise AssertionError("schedule does not sum to the total")
    return planned
