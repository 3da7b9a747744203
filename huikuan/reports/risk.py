"""Risk alerts (风险预警): the customers, and the company figure, that crossed a threshold the finance
manager set (``models.RiskThresholds``), as of a date, within the user's scope.

The alerts, each off while its threshold is empty:
- **overdue amount**: a customer's overdue amount on the date is above the threshold.
- **overdue days**: a customer has something overdue for more than the threshold's days (the
  value is the days of its oldest overdue item, as the arrears report counts them).
- **over the credit limit**: a customer's balance (open − unapplied cash, DOMAIN.md rule 6) is
  above the credit limit set for it (a limit of 0 is no limit). On by default.
- **DSO**: the DSO by countback (``kpis.countback``) of the user's scope on the date is above the
  threshold: the company's DSO for finance, the rep's own for a rep.
- **paying later**: a customer's average days late over the last 90 days exceeds that of the 90
  days before by more than the threshold. Days late are those of ``kpis._days_to_pay``: the
  allocations (核销) in effect on the date, effective date − the installment's due date (negative:
  early), weighted by amount; each average kept to a tenth of a day, as the KPI page shows it, and
  only customers who paid in both windows compared.

All amounts are in the company's currency (``Company.currency``, the default
``settings.HUIKUAN_DEFAULT_CURRENCY``), which the credit limits and the thresholds are in: money in
other currencies raises no alert. The thresholds are those of the user's company; a user of
several companies (group scope) gets the alerts of their own company's customers.

Order: the company-wide alert first, then by the money each alert is about (``Alert.amount``:
the overdue amount, the amount over the limit, the customer's open receivable for paying later).

Cost, whatever the number of customers: every query is grouped in the database, none is per
customer, and an alert switched off costs nothing.
- Every call: one aging by customer (``figures.aging_cents`` with no buckets: not overdue and
  overdue per customer), the query of the aging report; the overdue-amount alert adds nothing.
- Overdue days: one grouped MIN(due_date) over the open items due more than the threshold's days
  before the date (one per part of ``figures.past_parts`` on a past date), read from the covering
  index of open installments; the customers it finds are exactly those the alert fires for.
- Over the credit limit: one query over the customers with a limit and one grouped sum of the
  unapplied cash of those customers only (``figures.unapplied_cents``).
- DSO: one grouped sum of 24 months of sales by booking date (``kpis.monthly_sales``, as the KPI
  page); the AR is the aging's total.
- Paying later: one grouped query over the allocations of the last 180 days joined to their
  installments for the due date, with a filtered sum per window.
- The names of the alerts shown (a page, five on the home page, or a file): 500 per query
  (``label_alerts``).
Measured at 50,000 customers and 1,000,000 installments (the bulk loader's large book), every
alert on, on two cores shared with other work (load ≈ 2.7): the whole company 1.9 s on
PostgreSQL and 2.2 s on SQLite today (the aging alone 0.5–0.8 s of it), 3.1 s and 2.7 s 180 days
back; a rep's 1,000 customers 0.65 s and 0.2 s. The home page loads its card after itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db.models import FloatField, Min, Q, QuerySet, Sum, TextChoices
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huikuan.accounts.models import Company, User
from huikuan.contracts.models import Installment
from huikuan.core.dates import month_start, today
from huikuan.core.money import display, from_cents
from huikuan.core.sql_dates import Unindexed
from huikuan.customers.models import Customer
from huikuan.customers.selectors import customers_visible_to
from huikuan.receivables import figures
from huikuan.receivables.models import Allocation, Receipt
from huikuan.receivables.selectors import by_customer_scope
from huikuan.reports.kpis import COUNTBACK_MONTHS, DayNumber, countback, monthly_sales
from huikuan.reports.models import RiskThresholds

# the two windows the days late are compared over
TREND_DAYS = 90
# the limits of the thresholds in days. The countback counts at most 24 months of sales (≈730
# days): a DSO threshold above that could never fire.
MAX_OVERDUE_DAYS = 3650
MAX_DSO_DAYS = 730
MAX_WORSENING_DAYS = 365
# ids looked up per query when the alerts' customers are named (as the reports' label_lines)
LABEL_CHUNK = 500
ONE_DECIMAL = Decimal("0.1")
THRESHOLD_FIELDS = ("overdue_amount", "overdue_days", "over_credit_limit", "dso_days", "worsening_days")


class RiskErrorCode(StrEnum):
    INVALID_THRESHOLD = "invalid_threshold"


class AlertKind(TextChoices):
    """The alerts, in the order they are listed: the company-wide one first."""

    DSO = "dso", gettext_lazy("DSO above the threshold")
    OVERDUE_AMOUNT = "overdue_amount", gettext_lazy("Overdue amount")
    OVERDUE_DAYS = "overdue_days", gettext_lazy("Overdue too long")
    OVER_CREDIT_LIMIT = "over_credit_limit", gettext_lazy("Over the credit limit")
    WORSENING = "worsening", gettext_lazy("Paying later")


KIND_ORDER = {kind: index for index, kind in enumerate(AlertKind.values)}


@dataclass
class Alert:
    """One threshold crossed: by a customer, or by the scope's DSO (``customer_id`` None).

    ``value`` is what was measured and ``threshold`` what it crossed, both an amount in
    ``currency`` or a number of days (``in_days``); ``amount`` is the money the alert is about,
    which orders the alerts. The message is in the language of the request that made it."""

    kind: str
    customer_id: int | None
    value: Decimal
    threshold: Decimal
    currency: str
    amount: Decimal
    message: str
    as_of: dt.date
    customer_code: str = ""
    customer_name: str = ""

    @property
    def label(self) -> str:
        return str(dict(AlertKind.choices).get(self.kind, self.kind))

    @property
    def in_days(self) -> bool:
        return self.kind in (AlertKind.DSO, AlertKind.OVERDUE_DAYS, AlertKind.WORSENING)

    @property
    def unit(self) -> str:
        """What ``value`` and ``threshold`` count: "days", or the currency of an amount."""
        return "days" if self.in_days else self.currency

    @property
    def link(self) -> str:
        """Where to look into it: the customer's page (on the date, when a past one), or for the DSO
        the KPI page of the date's month up to the date."""
        past = {"as_of": self.as_of.isoformat()} if self.as_of < today() else {}
        if self.customer_id is None:
            period = {"start": month_start(self.as_of).isoformat(), "end": self.as_of.isoformat()}
            return f"{reverse('report_kpis')}?{urlencode({**period, 'currency': self.currency})}"
        url = reverse("customer_detail", args=[self.customer_id])
        return f"{url}?{urlencode(past)}" if past else url

    def sort_key(self) -> tuple[bool, Decimal, int, int]:
        return (self.customer_id is not None, -self.amount, KIND_ORDER.get(self.kind, 99), self.customer_id or 0)


def thresholds_for(company: Company) -> RiskThresholds:
    """The company's thresholds; unsaved defaults (only the credit-limit alert on) when it has
    none yet."""
    found = RiskThresholds.objects.filter(company_id=company.pk).first()
    return found if found is not None else RiskThresholds(company=company)


def kinds_on(thresholds: RiskThresholds) -> list[str]:
    """The alerts the thresholds switch on, in list order."""
    on = {
        AlertKind.DSO: thresholds.dso_days is not None,
        AlertKind.OVERDUE_AMOUNT: thresholds.overdue_amount is not None,
        AlertKind.OVERDUE_DAYS: thresholds.overdue_days is not None,
        AlertKind.OVER_CREDIT_LIMIT: bool(thresholds.over_credit_limit),
        AlertKind.WORSENING: thresholds.worsening_days is not None,
    }
    return [str(kind) for kind, switched_on in on.items() if switched_on]


def company_currency(company: Company) -> str:
    """The currency the thresholds and credit limits of the company are in."""
    return company.currency or settings.HUIKUAN_DEFAULT_CURRENCY


def risk_alerts(*, user: User, as_of: dt.date, kinds: Collection[str] | None = None) -> list[Alert]:
    """The alerts of the user's company on ``as_of`` within the user's scope, the company-wide one
    first, then the most money first. ``kinds`` narrows to some alerts (the others are not
    computed). Customers are not named: ``label_alerts`` names those to be shown."""
    company = user.company
    if company is None:
        return []
    thresholds = thresholds_for(company)
    wanted = [kind for kind in kinds_on(thresholds) if kinds is None or kind in kinds]
    if not wanted:
        return []
    currency = company_currency(company)
    installments = by_customer_scope(Installment.objects.filter(company_id=company.pk, currency=currency), user)
    # one aging by customer: [not overdue, overdue] in cents; its total is the scope's AR
    aging = {customer: cents for (customer, _cur), cents in figures.aging_cents(installments, as_of, ()).items()}
    alerts: list[Alert] = []
    context = _Context(user=user, company=company, currency=currency, as_of=as_of, aging=aging)
    if AlertKind.DSO in wanted and thresholds.dso_days is not None:
        alerts.extend(_dso(context, installments, thresholds.dso_days))
    if AlertKind.OVERDUE_AMOUNT in wanted and thresholds.overdue_amount is not None:
        alerts.extend(_overdue_amount(context, thresholds.overdue_amount))
    if AlertKind.OVERDUE_DAYS in wanted and thresholds.overdue_days is not None:
        alerts.extend(_overdue_days(context, installments, thresholds.overdue_days))
    if AlertKind.OVER_CREDIT_LIMIT in wanted:
        alerts.extend(_over_credit_limit(context))
    if AlertKind.WORSENING in wanted and thresholds.worsening_days is not None:
        alerts.extend(_worsening(context, thresholds.worsening_days))
    alerts.sort(key=Alert.sort_key)
    return alerts


@dataclass(frozen=True)
class _Context:
    user: User
    company: Company
    currency: str
    as_of: dt.date
    aging: dict[int, list[int]]  # customer id → [not overdue, overdue] in cents

    def alert(
        self, kind: str, customer_id: int | None, value: Decimal, threshold: Decimal, amount: Decimal, message: str
    ) -> Alert:
        return Alert(kind, customer_id, value, threshold, self.currency, amount, message, self.as_of)

    def money(self, amount: Decimal) -> str:
        return f"{display(amount)} {self.currency}"


def _dso(context: _Context, installments: QuerySet[Installment], threshold: int) -> list[Alert]:
    ar = from_cents(sum(sum(cents) for cents in context.aging.values()))
    sales = monthly_sales(installments, month_start(context.as_of, COUNTBACK_MONTHS - 1), context.as_of)
    dso, capped = countback(ar, context.as_of, sales)
    if dso is None or dso <= threshold:
        return []
    values = {"days": dso, "threshold": threshold}
    if capped:
        message = _("DSO is more than %(days)s days, above the threshold of %(threshold)s days.") % values
    else:
        message = _("DSO is %(days)s days, above the threshold of %(threshold)s days.") % values
    return [context.alert(AlertKind.DSO, None, dso, Decimal(threshold), ar, message)]


def _overdue_amount(context: _Context, threshold: Decimal) -> list[Alert]:
    limit = figures.cents(threshold)
    found = []
    for customer, (_not_due, overdue) in context.aging.items():
        if overdue > limit:
            amount = from_cents(overdue)
            message = _("%(amount)s overdue, above the threshold of %(threshold)s.") % {
                "amount": context.money(amount),
                "threshold": display(threshold),
            }
            found.append(context.alert(AlertKind.OVERDUE_AMOUNT, customer, amount, threshold, amount, message))
    return found


def _overdue_days(context: _Context, installments: QuerySet[Installment], threshold: int) -> list[Alert]:
    """Customers with an item open on the date and due more than ``threshold`` days before it: the
    MIN(due_date) of just those items, in one grouped query (per part on a past date), finds them
    and the days of their oldest at once."""
    as_of = context.as_of
    # the due date unindexed on SQLite: given its range, SQLite walks the list index of open
    # installments by due date, which holds no customer, and looks up every row in the table (0.7 s
    # for the open items of a million installments); without it, the covering index the aging reads
    old = installments.alias(due=Unindexed("due_date")).filter(due__lt=as_of - dt.timedelta(days=threshold))
    oldest: dict[int, dt.date] = {}
    for rows in figures.open_parts(old, as_of):
        grouped = rows.order_by().values_list(figures.unordered("customer_id")).annotate(first=Min("due_date"))
        for customer, first in grouped:
            oldest[customer] = min(oldest.get(customer, first), first)
    found = []
    for customer, first in oldest.items():
        days = (as_of - first).days
        amount = from_cents(context.aging.get(customer, [0, 0])[1])
        message = _("%(days)s days overdue (due on %(day)s), more than the threshold of %(threshold)s days.") % {
            "days": days,
            "day": first.isoformat(),
            "threshold": threshold,
        }
        found.append(
            context.alert(AlertKind.OVERDUE_DAYS, customer, Decimal(days), Decimal(threshold), amount, message)
        )
    return found


def _over_credit_limit(context: _Context) -> list[Alert]:
    limits = dict(
        customers_visible_to(context.user)
        .filter(company_id=context.company.pk, credit_limit__gt=0)
        .order_by()
        .values_list("pk", "credit_limit")
    )
    if not limits:
        return []
    # the unapplied cash of the customers with a limit only: their receipts not fully matched, found
    # through the per-customer index of those (every receipt of the company when they are few)
    with_limit = Customer.objects.filter(company_id=context.company.pk, credit_limit__gt=0).values("pk")
    receipts = by_customer_scope(
        Receipt.objects.filter(company_id=context.company.pk, currency=context.currency, customer_id__in=with_limit),
        context.user,
    )
    unapplied = {
        customer: cents for (customer, _cur), cents in figures.unapplied_cents(receipts, context.as_of).items()
    }
    found = []
    for customer, limit in limits.items():
        balance = sum(context.aging.get(customer, [0, 0])) - unapplied.get(customer, 0)
        if balance <= figures.cents(limit):
            continue
        over = from_cents(balance - figures.cents(limit))
        message = _("Balance %(balance)s is %(over)s over the credit limit of %(limit)s.") % {
            "balance": context.money(from_cents(balance)),
            "over": display(over),
            "limit": display(limit),
        }
        found.append(context.alert(AlertKind.OVER_CREDIT_LIMIT, customer, from_cents(balance), limit, over, message))
    return found


def _worsening(context: _Context, threshold: int) -> list[Alert]:
    """Customers whose amount-weighted days late rose by more than ``threshold`` days from the 90
    days before the last 90 to the last 90, in one grouped query with a filtered sum per window."""
    as_of = context.as_of
    recent_from = as_of - dt.timedelta(days=TREND_DAYS)  # the last window is (recent_from, as_of]
    prior_from = recent_from - dt.timedelta(days=TREND_DAYS)  # the one before: (prior_from, recent_from]
    allocations = by_customer_scope(
        Allocation.objects.filter(
            Q(reversed_on__isnull=True) | Q(reversed_on__gt=as_of),
            company_id=context.company.pk,
            installment__currency=context.currency,
            installment__due_date__isnull=False,
            effective_on__gt=prior_from,
            effective_on__lte=as_of,
        ),
        context.user,
    )
    # days are not money: floating point is fine, as in kpis._days_to_pay; averages are rounded to
    # a tenth of a day before they are compared, so what the message shows is what was compared
    weight = Cast("amount", FloatField())
    late = DayNumber("effective_on") - DayNumber("installment__due_date")
    recent, prior = Q(effective_on__gt=recent_from), Q(effective_on__lte=recent_from)
    grouped: Any = (
        allocations.order_by()
        .values_list(figures.unordered("customer_id"))
        .annotate(
            recent_paid=Sum(weight, filter=recent),
            recent_late=Sum(weight * late, filter=recent),
            prior_paid=Sum(weight, filter=prior),
            prior_late=Sum(weight * late, filter=prior),
        )
    )
    found = []
    for customer, recent_paid, recent_late, prior_paid, prior_late in grouped:
        now, before = _average(recent_late, recent_paid), _average(prior_late, prior_paid)
        if now is None or before is None or now - before <= threshold:
            continue
        change = now - before
        amount = from_cents(sum(context.aging.get(customer, [0, 0])))
        message = _("Pays %(change)s days later: %(now)s days late in the last 90 days, %(before)s before.") % {
            "change": change,
            "now": now,
            "before": before,
        }
        found.append(context.alert(AlertKind.WORSENING, customer, change, Decimal(threshold), amount, message))
    return found


def _average(weighted: float | None, paid: float | None) -> Decimal | None:
    """The weighted mean of days to a tenth; None when nothing was paid in the window."""
    if not paid or weighted is None:
        return None
    return Decimal(str(weighted / paid)).quantize(ONE_DECIMAL)


def label_alerts(alerts: Sequence[Alert]) -> Sequence[Alert]:
    """Fill in the code and name of the customers of the alerts to be shown (a page, or all of them
    for a file), a query per 500 customers."""
    ids = sorted({alert.customer_id for alert in alerts if alert.customer_id is not None})
    names: dict[int, tuple[str, str]] = {}
    for start in range(0, len(ids), LABEL_CHUNK):
        rows = Customer.objects.filter(pk__in=ids[start : start + LABEL_CHUNK]).values_list("pk", "code", "name")
        names.update((pk, (code, name)) for pk, code, name in rows)
    for alert in alerts:
        if alert.customer_id is not None:
            alert.customer_code, alert.customer_name = names.get(alert.customer_id, ("", ""))
    return alerts


def counts_by_kind(alerts: Sequence[Alert]) -> list[tuple[str, str, int]]:
    """(kind, label, how many) of each kind of alert raised, in list order."""
    counted: dict[str, int] = {}
    for alert in alerts:
        counted[alert.kind] = counted.get(alert.kind, 0) + 1
    return [(str(kind), str(label), counted[kind]) for kind, label in AlertKind.choices if kind in counted]
