"""Bulk-loading receivables at benchmark size (a million installments in minutes).

The services take milliseconds per change, too slow for millions of rows, so this path works out
each contract's whole story in memory (installments, receipts, allocations, adjustments,
reversals) and writes the rows in batches, with the maintained figures set exactly as the
services would set them:

- ``Installment.open_amount`` = amount − active allocations − active adjustments;
- ``Installment.settled_on`` = the latest effective or reversal date of its rows when nothing is
  open, else null (``settlement.refresh_installment``);
- ``Installment.last_reversed_on`` and ``first_collected_on`` = the latest reversal date of its
  rows and the earliest effective date of its live allocations;
- ``Receipt.allocated_amount`` = its active allocations (``settlement.refresh_receipt``);
- a contract whose installments are all settled is completed on the latest of those dates
  (``contract_refresh_completion``); terminated contracts stay terminated.

Rows go in with multi-row INSERTs on SQLite and COPY on PostgreSQL, with explicit primary keys,
one transaction per batch. No audit rows are written: nobody did these things.
Amounts are computed in integer fen, so rounding happens only where the services round."""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from huikuan.accounts.models import Company
from huikuan.contracts import month_totals as contract_month_totals
from huikuan.contracts.choices import ContractStatus
from huikuan.contracts.models import Contract, Installment
from huikuan.core.dates import today
from huikuan.customers.models import Contact, Customer
from huikuan.demo import names
from huikuan.demo.company import load_staff, load_terms
from huikuan.receivables import month_totals as receipt_month_totals
from huikuan.receivables.choices import AdjustmentKind, PaymentMethod
from huikuan.receivables.figures import settled_status
from huikuan.receivables.models import Adjustment, Allocation, Receipt
from huikuan.terms.choices import MilestoneKind

BATCH_INSTALLMENTS = 50_000


@dataclass(frozen=True)
class BookShape:
    """How a generated book looks: installments per customer, the shares of customers who pay
    promptly, late or badly, and how far back the contracts were signed."""

    installments_per_customer: int = 200
    behaviours: tuple[float, float, float] = (0.52, 0.36, 0.12)  # prompt, late, bad
    signed_within_days: int = 730
    # the most of the book one customer may hold: customers' sizes are Pareto-distributed, whose
    # largest draw among 50,000 can be most of the book (one customer held 68 % of a million
    # installments); None leaves the draw as it is (the demo and the earlier benchmarks)
    largest_share: float | None = None


# the demo and the figure and page benchmarks: 5,000 customers a million installments, 26 % open
DEFAULT_SHAPE = BookShape()
# issue 13's report benchmark: 50,000 customers for a million installments, about 40 % of them
# open today (a book that carries history and bad payers), about 600,000 receipts
LARGE_BOOK = BookShape(
    installments_per_customer=20, behaviours=(0.37, 0.34, 0.29), signed_within_days=510, largest_share=0.01
)
BOOKS = {"default": DEFAULT_SHAPE, "large": LARGE_BOOK}

# pattern: (weight, terms key, [(percent, days after signing, label, milestone or "", retention)])
PATTERNS: tuple[tuple[float, str | None, list[tuple[int, int, str, str, bool]]], ...] = (
    (0.25, "monthly_30", [(100, 45, "货款", "", False)]),
    (0.15, "delivery_60", [(100, 100, "货款", MilestoneKind.DELIVERY, False)]),
    (0.15, "delivery_split", [(50, 0, "预付款", "", False), (50, 45, "发货款", MilestoneKind.DELIVERY, False)]),
    (
        0.25,
        "project",
        [
            (30, 0, "预付款", "", False),
            (60, 120, "验收款", MilestoneKind.ACCEPTANCE, False),
            (10, 455, "质保金", MilestoneKind.ACCEPTANCE, True),
        ],
    ),
    (0.15, "quarterly_4", [(25, 0, "服务费 1/4", "", False), (25, 91, "服务费 2/4", "", False),
                           (25, 182, "服务费 3/4", "", False), (25, 273, "服务费 4/4", "", False)]),
    (0.05, None, [(17, 30 * k, f"第{k}期", "", False) for k in range(1, 6)] + [(15, 180, "第6期", "", False)]),
)  # fmt: skip


def fen(cents: int) -> str:
    """An amount in fen as the decimal text the database stores."""
    return f"{cents // 100}.{cents % 100:02d}"


@dataclass
class Rows:
    """Rows of one batch, as tuples in the column order of FIELDS."""

    contracts: list[tuple] = field(default_factory=list)
    installments: list[tuple] = field(default_factory=list)
    receipts: list[tuple] = field(default_factory=list)
    allocations: list[tuple] = field(default_factory=list)
    adjustments: list[tuple] = field(default_factory=list)


FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Customer: (
        "id", "created_at", "updated_at", "company", "code", "name", "tax_id", "address", "owner",
        "credit_limit", "status", "notes",
    ),
    Contact: ("id", "customer", "name", "role", "phone", "email", "is_primary"),
    Contract: (
        "id", "created_at", "updated_at", "company", "number", "customer", "title", "signed_on", "starts_on",
        "ends_on", "currency", "amount", "vat_rate", "owner", "status", "terms", "notes", "activated_at",
        "closed_on",
    ),
    Installment: (
        "id", "company", "contract", "customer", "sequence", "label", "currency", "amount", "due_date",
        "milestone", "offset_days", "offset_months", "is_retention", "booked_on", "open_amount", "settled_on",
        "first_effective_on", "collected_amount", "settled_status", "last_reversed_on", "first_collected_on",
    ),
    Receipt: (
        "id", "created_by", "created_at", "reversed_on", "reversed_at", "reversed_by", "reversal_reason",
        "company", "number", "customer", "received_on", "amount", "currency", "method", "bill_maturity_date",
        "payer_name", "bank_reference", "memo", "allocated_amount",
    ),
    Allocation: (
        "id", "created_by", "created_at", "reversed_on", "reversed_at", "reversed_by", "reversal_reason",
        "company", "receipt", "installment", "customer", "amount", "effective_on",
    ),
    Adjustment: (
        "id", "created_by", "created_at", "reversed_on", "reversed_at", "reversed_by", "reversal_reason",
        "company", "installment", "customer", "kind", "amount", "effective_on", "reason",
    ),
}  # fmt: skip


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field.column


def insert_rows(model: type[models.Model], rows: Sequence[tuple]) -> None:
    """Write rows (tuples in FIELDS order, database-ready values) with the fastest plain-SQL path."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(_column(model, name)) for name in FIELDS[model])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(FIELDS[model]))
            # Table and column names come from the model's meta, never from input.
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608


def _next_ids(*model_list: type[models.Model]) -> dict[type[models.Model], Iterator[int]]:
    ids = {}
    for model in model_list:
        start = (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
        ids[model] = iter(range(start, 2**62))
    return ids


class BulkLoader:
    """Generates and writes one company's bulk data; deterministic for a seed and a day."""

    def __init__(self, *, company: Company, installments: int, seed: int, shape: BookShape = DEFAULT_SHAPE) -> None:
        self.company = company
        self.shape = shape
        self.target = installments
        self.rng = random.Random(seed)
        self.today = today()
        self.staff = load_staff(company)
        self.terms = {key: terms.pk for key, terms in load_terms(company).items()}
        self.ids = _next_ids(Customer, Contact, Contract, Installment, Receipt, Allocation, Adjustment)
        adapt = connection.ops.adapt_datetimefield_value
        self.now = adapt(timezone.now())
        self.clerk, self.finance = self.staff.clerk.pk, self.staff.finance.pk
        self.counts: dict[str, int] = dict.fromkeys(("customers", "contracts", "installments", "receipts",
                                                     "allocations", "adjustments"), 0)  # fmt: skip
        self.customers: list[tuple[int, int, str, str]] = []  # id, owner id, name, behaviour

    # -- customers ----------------------------------------------------------------------------

    def load_customers(self, count: int) -> None:
        rng, owners = self.rng, self.staff.owners
        customer_rows, contact_rows = [], []
        taken = set(Customer.objects.filter(company=self.company).values_list("tax_id", flat=True))
        for name, city in names.unique_company_names(rng, count):
            pk, owner = next(self.ids[Customer]), owners[rng.randrange(len(owners))].pk
            tax_id = names.tax_id(rng, city)
            while tax_id in taken:
                tax_id = names.tax_id(rng, city)
            taken.add(tax_id)
            limit = rng.choice((0, 200, 500, 1000, 2000, 5000)) * 100_000
            customer_rows.append(
                (
                    pk,
                    self.now,
                    self.now,
                    self.company.pk,
                    f"C{pk:06d}",
                    name,
                    tax_id,
                    names.address(rng, city),
                    owner,
                    fen(limit),
                    "active",
                    "",
                )
            )
            contact_rows.append(
                (
                    next(self.ids[Contact]),
                    pk,
                    names.person_name(rng),
                    rng.choice(names.CONTACT_ROLES),
                    names.mobile(rng),
                    "",
                    1,
                )
            )
            behaviour = rng.choices(("prompt", "late", "bad"), self.shape.behaviours)[0]
            self.customers.append((pk, owner, name, behaviour))
        with transaction.atomic():
            insert_rows(Customer, customer_rows)
            insert_rows(Contact, contact_rows)
        self.counts["customers"] += len(customer_rows)

    # -- contracts ----------------------------------------------------------------------------

    def load_contracts(self, progress: Callable[[str], None] | None = None) -> None:
        weights = [self.rng.paretovariate(1.2) for _ in self.customers]
        if self.shape.largest_share is not None:
            # a cap on each weight: the mean of Pareto(1.2) is 6, so the book weighs about 6 per customer
            cap = self.shape.largest_share * 6 * len(weights)
            weights = [min(weight, cap) for weight in weights]
        cumulative = list(_accumulate(weights))
        made = 0
        while made < self.target:
            rows = Rows()
            while len(rows.installments) < BATCH_INSTALLMENTS and made + len(rows.installments) < self.target:
                customer = self.customers[_pick(self.rng, cumulative)]
                self._contract(rows, customer)
            made += len(rows.installments)
            with transaction.atomic():
                for model, batch in ((Contract, rows.contracts), (Installment, rows.installments),
                                     (Receipt, rows.receipts), (Allocation, rows.allocations),
                                     (Adjustment, rows.adjustments)):  # fmt: skip
                    insert_rows(model, batch)
            for name in ("contracts", "installments", "receipts", "allocations", "adjustments"):
                self.counts[name] += len(getattr(rows, name))
            if progress:
                progress(f"  {made:,} / {self.target:,} installments")

    def _contract(self, rows: Rows, customer: tuple[int, int, str, str]) -> None:
        rng, today_ = self.rng, self.today
        customer_id, owner, customer_name, behaviour = customer
        pk = next(self.ids[Contract])
        signed = today_ - dt.timedelta(days=rng.randint(1, self.shape.signed_within_days))
        cents = int(math.exp(rng.uniform(math.log(300_000), math.log(500_000_000))))
        if cents > 2_000_000:
            cents -= cents % 10_000
        pattern = _choose_pattern(rng)
        terms_key, parts = pattern[1], pattern[2]
        fate = rng.choices(("active", "draft", "cancelled", "terminated"), (0.97, 0.01, 0.005, 0.015))[0]
        ends_on = None
        if fate == "terminated":
            ends_on = signed + dt.timedelta(days=rng.randint(60, 240))
            if ends_on > today_:
                fate, ends_on = "active", None
        booked = signed if fate in ("active", "terminated") else None
        story = ContractStory(self, rows, customer_id, customer_name, behaviour, booked, ends_on)
        amounts = _split(cents, [percent for percent, *_ in parts])
        settled_dates: list[dt.date | None] = []
        open_total = 0
        for sequence, ((_percent, days, label, milestone, retention), amount) in enumerate(
            zip(parts, amounts, strict=True), start=1
        ):
            due: dt.date | None = signed + dt.timedelta(days=days + rng.randint(0, 10))
            waiting = ""
            if milestone and signed > today_ - dt.timedelta(days=days + 30) and rng.random() < 0.5:
                due, waiting = None, milestone  # the milestone is not reached yet
            installment_pk = next(self.ids[Installment])
            open_cents, settled_on, first_effective_on = story.settle(installment_pk, amount, due)
            collected_cents, settled_as = story.collected, story.settled_status()
            open_total += open_cents
            settled_dates.append(settled_on)
            offset_days, offset_months = (0, 12) if retention else (days if waiting else 0, 0)
            rows.installments.append(
                (
                    installment_pk,
                    self.company.pk,
                    pk,
                    customer_id,
                    sequence,
                    label,
                    "CNY",
                    fen(amount),
                    _iso(due),
                    waiting,
                    offset_days,
                    offset_months,
                    int(retention),
                    _iso(booked),
                    fen(open_cents),
                    _iso(settled_on),
                    _iso(first_effective_on),
                    fen(collected_cents),
                    settled_as,
                    _iso(max(story.reversals, default=None)),
                    _iso(min(story.live, default=None)),
                )
            )
        status, closed_on = {
            "active": (ContractStatus.ACTIVE, None),
            "draft": (ContractStatus.DRAFT, None),
            "cancelled": (ContractStatus.CANCELLED, today_),
            "terminated": (ContractStatus.TERMINATED, ends_on),
        }[fate]
        if status == ContractStatus.ACTIVE and open_total == 0:
            status, closed_on = ContractStatus.COMPLETED, max(d for d in settled_dates if d)
        year = signed.year
        rows.contracts.append(
            (
                pk,
                self.now,
                self.now,
                self.company.pk,
                f"HT-{year}-{pk:07d}",
                customer_id,
                f"{rng.choice(_PRODUCTS)}采购合同",
                signed.isoformat(),
                signed.isoformat(),
                (signed + dt.timedelta(days=730)).isoformat(),
                "CNY",
                fen(cents),
                "0.1300",
                owner,
                status,
                self.terms.get(terms_key) if terms_key else None,
                "",
                self.now if booked else None,
                _iso(closed_on),
            )
        )


_PRODUCTS = ("工业机器人", "自动化生产线", "数控机床", "视觉检测系统", "AGV搬运系统", "智能仓储系统", "设备维保服务")


class ContractStory:
    """What happened to the installments of one contract: payments, partial payments, discounts,
    write-offs, reversals; appends the receipt, allocation and adjustment rows it implies."""

    dates: list[dt.date]
    effective: list[dt.date]
    reversals: list[dt.date]
    live: list[dt.date]

    def __init__(
        self,
        loader: BulkLoader,
        rows: Rows,
        customer_id: int,
        customer_name: str,
        behaviour: str,
        booked: dt.date | None,
        ends_on: dt.date | None,
    ) -> None:
        self.loader, self.rows, self.rng, self.today = loader, rows, loader.rng, loader.today
        self.customer_id, self.customer_name, self.behaviour = customer_id, customer_name, behaviour
        self.booked, self.ends_on = booked, ends_on

    def settle(self, installment: int, amount: int, due: dt.date | None) -> tuple[int, dt.date | None, dt.date | None]:
        """Write the story of one installment; returns its open amount, settled date and first
        effective date today."""
        self.amount, self.open, self.collected, self.written_off = amount, amount, 0, 0
        self.reversals, self.live = [], []  # reversal dates; effective dates of live allocations
        if self.booked is None:
            return amount, None, None
        self.installment, self.open, self.dates, self.effective = installment, amount, [], []
        if self.ends_on is not None and (due is None or due > self.ends_on):
            self._adjust(AdjustmentKind.CREDIT_NOTE, amount, self.ends_on, "合同终止，红冲未到期款项")
        elif due is not None:
            self._pay(amount, due)
        settled = max(self.dates) if self.open == 0 else None
        return self.open, settled, min(self.effective, default=None)

    def settled_status(self) -> str:
        """What cleared the installment just settled (the rule of ``figures.settled_status``)."""
        if self.open:
            return ""
        credited = self.amount - self.collected - self.written_off
        return settled_status(collected=self.collected, credited=credited, written_off=self.written_off)

    def _pay(self, amount: int, due: dt.date) -> None:
        rng, behaviour = self.rng, self.behaviour
        if behaviour == "prompt":
            paid_on = due + dt.timedelta(days=rng.randint(-10, 5))
        elif behaviour == "late":
            paid_on = due + dt.timedelta(days=rng.randint(5, 75))
        elif rng.random() < 0.35:
            paid_on = due + dt.timedelta(days=rng.randint(45, 200))
        else:
            if due < self.today - dt.timedelta(days=200) and rng.random() < 0.4:
                on = min(self.today, due + dt.timedelta(days=rng.randint(200, 400)))
                self._adjust(AdjustmentKind.WRITE_OFF, amount, on, "客户经营异常，经审批核销坏账")
            return
        paid_on = max(paid_on, cast(dt.date, self.booked))  # settle() returns early when not booked
        if paid_on > self.today:
            return
        if rng.random() < 0.03:
            discount = amount * rng.choice((1, 2, 5)) // 100
            self._adjust(AdjustmentKind.DISCOUNT, discount, paid_on, "质量瑕疵，经协商给予折让")
            amount -= discount
        if behaviour != "prompt" and rng.random() < 0.12:
            first = amount * rng.randint(40, 80) // 100
            self._receive(first, paid_on)
            later = paid_on + dt.timedelta(days=rng.randint(20, 60))
            if later <= self.today and rng.random() < 0.7:
                self._receive(amount - first, later)
        else:
            self._receive(amount, paid_on)

    def _receive(self, amount: int, on: dt.date) -> None:
        """One receipt for (part of) the installment; sometimes bounced, sometimes mismatched."""
        rng, today_ = self.rng, self.today
        receipt = next(self.loader.ids[Receipt])
        extra = (-amount) % 1_000_000 if rng.random() < 0.08 else 0  # rounded up: an advance stays unapplied
        roll = rng.random()
        if roll < 0.007 and on < today_:  # bounced or entered twice: the receipt is reversed
            undone = min(today_, on + dt.timedelta(days=rng.randint(1, 10)))
            self._allocate(receipt, amount, on, reversed_on=undone)
            self._receipt_row(receipt, amount + extra, on, allocated=0, reversed_on=undone)
            again = undone + dt.timedelta(days=rng.randint(3, 15))
            if again <= today_:
                self._receive(amount, again)
            return
        allocated = amount
        if roll < 0.027:  # matched to the wrong installment, then undone
            undone = min(today_, on + dt.timedelta(days=rng.randint(0, 7)))
            self._allocate(receipt, amount, on, reversed_on=undone)
            if rng.random() < 0.6:
                self._allocate(receipt, amount, undone)
            else:
                allocated = 0
        else:
            self._allocate(receipt, amount, on)
        self._receipt_row(receipt, amount + extra, on, allocated=allocated)

    def _allocate(self, receipt: int, amount: int, on: dt.date, reversed_on: dt.date | None = None) -> None:
        loader = self.loader
        self.rows.allocations.append(
            (
                next(loader.ids[Allocation]),
                loader.clerk,
                loader.now,
                *self._reversal(reversed_on),
                loader.company.pk,
                receipt,
                self.installment,
                self.customer_id,
                fen(amount),
                on.isoformat(),
            )
        )
        self.dates.append(on)
        self.effective.append(on)
        if reversed_on is None:
            self.open -= amount
            self.collected += amount
            self.live.append(on)
        else:
            self.dates.append(reversed_on)
            self.reversals.append(reversed_on)

    def _adjust(self, kind: str, amount: int, on: dt.date, reason: str) -> None:
        loader = self.loader
        actor = loader.finance if kind == AdjustmentKind.WRITE_OFF else loader.clerk
        self.rows.adjustments.append(
            (
                next(loader.ids[Adjustment]),
                actor,
                loader.now,
                *self._reversal(None),
                loader.company.pk,
                self.installment,
                self.customer_id,
                kind,
                fen(amount),
                on.isoformat(),
                reason,
            )
        )
        self.open -= amount
        if kind == AdjustmentKind.WRITE_OFF:
            self.written_off += amount
        self.dates.append(on)
        self.effective.append(on)

    def _reversal(self, reversed_on: dt.date | None) -> tuple[Any, ...]:
        if reversed_on is None:
            return (None, None, None, "")
        return (reversed_on.isoformat(), self.loader.now, self.loader.clerk, "核销错误，冲销")

    def _receipt_row(
        self, pk: int, amount: int, on: dt.date, *, allocated: int, reversed_on: dt.date | None = None
    ) -> None:
        loader, rng = self.loader, self.rng
        method, maturity, reference = PaymentMethod.BANK_TRANSFER, None, f"{rng.randrange(10**15):015d}"
        if amount <= 500_000 and rng.random() < 0.6:
            method, reference = rng.choice((PaymentMethod.WECHAT_PAY, PaymentMethod.ALIPAY)), ""
        elif amount >= 10_000_000 and rng.random() < 0.15:
            method, maturity, reference = PaymentMethod.BANK_ACCEPTANCE, (on + dt.timedelta(days=180)).isoformat(), ""
        self.rows.receipts.append(
            (
                pk,
                loader.clerk,
                loader.now,
                *self._reversal(reversed_on),
                loader.company.pk,
                f"SK-{on.year}-{pk:08d}",
                self.customer_id,
                on.isoformat(),
                fen(amount),
                "CNY",
                method,
                maturity,
                self.customer_name,
                reference,
                "货款",
                fen(allocated),
            )
        )


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _split(cents: int, percents: list[int]) -> list[int]:
    """Split like the schedule does: round half-up each piece but the last, which takes the rest."""
    pieces = [(cents * percent + 50) // 100 for percent in percents[:-1]]
    return [*pieces, cents - sum(pieces)]


def _choose_pattern(rng: random.Random) -> tuple[float, str | None, list[tuple[int, int, str, str, bool]]]:
    roll, upto = rng.random(), 0.0
    for pattern in PATTERNS:
        upto += pattern[0]
        if roll < upto:
            return pattern
    return PATTERNS[-1]


def _accumulate(weights: list[float]) -> Iterator[float]:
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    return min(bisect.bisect(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)


def reset_sequences() -> None:
    """PostgreSQL hands out ids from sequences, which explicit ids do not advance."""
    if connection.vendor != "postgresql":
        return
    statements = connection.ops.sequence_reset_sql(
        no_style(), [Customer, Contact, Contract, Installment, Receipt, Allocation, Adjustment]
    )
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def bulk_load(
    *,
    company: Company,
    installments: int,
    seed: int,
    progress: Callable[[str], None] | None = None,
    shape: BookShape = DEFAULT_SHAPE,
) -> dict[str, int]:
    """Add about ``installments`` installments (with customers, contracts, receipts, allocations and
    adjustments) to a company that has the demo staff and terms, shaped as ``shape`` says. Returns
    the row counts."""
    loader = BulkLoader(company=company, installments=installments, seed=seed, shape=shape)
    loader.load_customers(max(5, installments // shape.installments_per_customer))
    loader.load_contracts(progress)
    reset_sequences()
    # the rows went in without the services, which keep the monthly totals
    contract_month_totals.rebuild(company.pk)
    receipt_month_totals.rebuild(company.pk)
    return loader.counts
