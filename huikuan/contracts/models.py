from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huikuan.contracts.choices import ContractStatus, SettledStatus
from huikuan.core.models import TimeStampedModel
from huikuan.core.money import ZERO, currency_field, money_field
from huikuan.customers.models import CustomerMonthTotal
from huikuan.terms.choices import MilestoneKind


class Contract(TimeStampedModel):
    """A sales contract (销售合同): what a customer agreed to pay, in one currency, by a plan."""

    # no index of their own on the company and the customer: the list and unique indexes lead with
    # them, and every write keeps each index (bench/WRITE_PATH.md)
    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, db_index=False, verbose_name=_("company"))
    number = models.CharField(_("number"), max_length=40)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        db_index=False,
        related_name="contracts",
        verbose_name=_("customer"),
    )
    title = models.CharField(_("title"), max_length=200)
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    currency = currency_field()
    amount = money_field(_("amount"))
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=4, default=Decimal("0.13"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_contracts", verbose_name=_("owner")
    )
    status = models.CharField(_("status"), max_length=12, choices=ContractStatus.choices, default=ContractStatus.DRAFT)
    terms = models.ForeignKey(
        "terms.PaymentTerms", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("payment terms")
    )
    notes = models.TextField(_("notes"), blank=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="contract_unique_number"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="contract_amount_gt_0"),
            models.CheckConstraint(
                condition=models.Q(vat_rate__gte=0) & models.Q(vat_rate__lt=1), name="contract_vat_rate_range"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "status"], name="contract_customer_status_idx"),
            # the list's order (newest signed first): page 1 and deep pages walk it, nothing is sorted
            models.Index(fields=["company", "signed_on", "id"], name="contract_list_idx"),
            models.Index(fields=["company", "status", "signed_on", "id"], name="contract_status_list_idx"),
            # the company: the scope's test is read from the index, not from every row skipped on
            # the way to a deep page of one customer's contracts; the number: matching looks for
            # the customer's contract numbers in a receipt's memo in the index alone
            models.Index(
                fields=["customer", "signed_on", "id", "company", "number"], name="contract_customer_list_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_draft(self) -> bool:
        return self.status == ContractStatus.DRAFT


class Milestone(models.Model):
    """An event of a contract (delivery, acceptance, ...) that fixes the due dates waiting on it."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="milestones")
    kind = models.CharField(_("milestone"), max_length=20, choices=MilestoneKind.choices)
    reached_on = models.DateField(_("reached on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["reached_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["contract", "kind"], name="milestone_unique_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reached_on}"


class Installment(models.Model):
    """One amount a customer owes under a contract (收款计划): the unit of receivable.

    The contracts app owns the plan columns (amount, dates, milestone, booking). The figure columns
    (``open_amount``, ``collected_amount``, ``settled_status``, ``settled_on``,
    ``first_effective_on``, ``last_reversed_on``, ``first_collected_on``) belong to receivables:
    only ``receivables.services.settlement`` writes them, in the transaction that writes an
    allocation or adjustment, so today's figures and lists read indexed columns; the dated
    allocation and adjustment rows give the figures of any past date (receivables/DESIGN.md)."""

    # no index of their own on these three: the list, unique and per-customer indexes lead with
    # them, and every installment written or settled keeps each index (bench/WRITE_PATH.md)
    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, db_index=False, verbose_name=_("company"))
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, db_index=False, related_name="installments", verbose_name=_("contract")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        db_index=False,
        related_name="installments",
        verbose_name=_("customer"),
    )
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    label = models.CharField(_("label"), max_length=100, blank=True)
    currency = currency_field()
    amount = money_field(_("amount"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    milestone = models.CharField(_("waits for milestone"), max_length=20, choices=MilestoneKind.choices, blank=True)
    offset_days = models.PositiveIntegerField(_("days after milestone"), default=0)
    offset_months = models.PositiveSmallIntegerField(_("months after milestone"), default=0)
    is_retention = models.BooleanField(_("retention"), default=False)
    booked_on = models.DateField(
        _("receivable from"), null=True, blank=True, help_text=_("Set when the contract is activated.")
    )
    open_amount = money_field(_("open amount"))
    collected_amount = money_field(
        _("collected"), default=ZERO, help_text=_("Money allocated to it and in effect today.")
    )
    settled_status = models.CharField(
        _("settled as"), max_length=12, choices=SettledStatus.choices, blank=True, default=""
    )
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    first_effective_on = models.DateField(
        _("first paid or adjusted on"),
        null=True,
        blank=True,
        help_text=_("The earliest date any allocation or adjustment of it took effect, reversed or not."),
    )
    last_reversed_on = models.DateField(
        _("last reversal on"),
        null=True,
        blank=True,
        help_text=_("The latest date one of its allocations or adjustments was reversed."),
    )
    first_collected_on = models.DateField(
        _("first collected on"),
        null=True,
        blank=True,
        help_text=_("The earliest date one of its allocations not reversed took effect."),
    )

    class Meta:
        verbose_name = _("installment")
        verbose_name_plural = _("installments")
        ordering = ["contract", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "sequence"], name="installment_unique_sequence"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="installment_amount_gt_0"),
            models.CheckConstraint(
                condition=models.Q(open_amount__gte=0) & models.Q(open_amount__lte=models.F("amount")),
                name="installment_open_within_amount",
            ),
            # compares stored columns only: arithmetic on them would be binary floating point on SQLite
            models.CheckConstraint(
                condition=models.Q(collected_amount__gte=0) & models.Q(collected_amount__lte=models.F("amount")),
                name="installment_collected_within_amount",
            ),
        ]
        indexes = [
            # aging today, and the open-now part of a past date: every column the sums read, in
            # customer order, so the index alone answers and nothing is sorted
            models.Index(
                fields=[
                    "company",
                    "customer",
                    "currency",
                    "due_date",
                    "booked_on",
                    "first_effective_on",
                    "amount",
                    "open_amount",
                ],
                name="installment_open_cover_idx",
                condition=models.Q(open_amount__gt=0),
            ),
            # the settled-since part of a past date: settled after the date, booked by it
            models.Index(
                fields=[
                    "company",
                    "settled_on",
                    "booked_on",
                    "first_effective_on",
                    "customer",
                    "currency",
                    "due_date",
                    "amount",
                    "last_reversed_on",
                    "first_collected_on",
                    "contract",
                    "sequence",
                ],
                name="installment_settled_cover_idx",
                include=["id"],
                condition=models.Q(settled_on__isnull=False),
            ),
            # the lists, in their order (due date, contract, sequence), with every column their
            # filters read: counts and pages of any status are index-only scans, and so are the
            # home page's sums of what fell due by month
            models.Index(
                fields=[
                    "company",
                    "due_date",
                    "contract",
                    "sequence",
                    "booked_on",
                    "open_amount",
                    "settled_on",
                    "first_effective_on",
                    "settled_status",
                    "amount",
                    "last_reversed_on",
                    "first_collected_on",
                    # and what the home page sums by month (receivables.dashboard)
                    "currency",
                ],
                name="installment_list_idx",
                include=["id"],  # PostgreSQL: pages of ids from the index alone (SQLite has the rowid)
            ),
            # one customer's list, in list order, with every column its filters read
            models.Index(
                fields=[
                    "customer",
                    "company",
                    "due_date",
                    "contract",
                    "sequence",
                    "booked_on",
                    "open_amount",
                    "collected_amount",
                    "settled_on",
                    "settled_status",
                    "first_effective_on",
                    "last_reversed_on",
                    "first_collected_on",
                    # and what the home page sums by month for a rep's customers (receivables.dashboard)
                    "amount",
                    "currency",
                ],
                name="installment_customer_list_idx",
                include=["id"],
            ),
            # the few installments with a row reversed after a past date, whose figures on that
            # date are summed from their rows (receivables.figures._reversed_since)
            models.Index(
                fields=[
                    "company",
                    "last_reversed_on",
                    "due_date",
                    "contract",
                    "sequence",
                    "booked_on",
                    "open_amount",
                    "settled_on",
                    "first_effective_on",
                    "amount",
                ],
                name="installment_reversed_idx",
                include=["id"],  # PostgreSQL: pages of ids from the index alone (SQLite has the rowid)
                condition=models.Q(last_reversed_on__isnull=False),
            ),
            # open installments in list order; first_effective_on, last_reversed_on and
            # first_collected_on let a past date's open-now part (receivables.figures.status_parts)
            # tell in the index alone which installments need their rows summed
            models.Index(
                fields=[
                    "company",
                    "due_date",
                    "contract",
                    "sequence",
                    "booked_on",
                    "open_amount",
                    "collected_amount",
                    "first_effective_on",
                    "last_reversed_on",
                    "first_collected_on",
                ],
                name="installment_open_list_idx",
                include=["id"],  # PostgreSQL: pages of ids from the index alone (SQLite has the rowid)
                condition=models.Q(open_amount__gt=0),
            ),
            models.Index(
                fields=[
                    "company",
                    "settled_status",
                    "due_date",
                    "contract",
                    "sequence",
                    "booked_on",
                    "open_amount",
                    "settled_on",
                ],
                name="installment_settled_list_idx",
                include=["id"],  # PostgreSQL: pages of ids from the index alone (SQLite has the rowid)
                condition=models.Q(settled_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} #{self.sequence}"


class PlannedMonth(CustomerMonthTotal):
    """What a customer's booked installments fall due for in one month (计划回款), in whole cents
    per currency: a running total kept by the services that book installments or give them a due
    date (``contracts.month_totals``), so the home page's chart and plan-vs-actual sum a row per
    customer and month instead of every installment. Installments are booked with their amounts and
    due dates, which never change after, so the total only grows."""

    class Meta:
        verbose_name = _("planned month")
        verbose_name_plural = _("planned months")
        constraints = [
            # a sales rep's customers' months (the reads filter by customer alone: dashboard._kept)
            models.UniqueConstraint(fields=["customer", "currency", "month"], name="planned_month_unique"),
        ]
        indexes = [
            # a company's months: the sums read the index alone
            models.Index(fields=["company", "currency", "month", "amount_cents"], name="planned_month_company_idx"),
        ]
