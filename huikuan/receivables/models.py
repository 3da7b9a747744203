from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huikuan.core.money import ZERO, currency_field, money_field
from huikuan.customers.models import CustomerMonthTotal
from huikuan.receivables.choices import AdjustmentKind, PaymentMethod


class Reversible(models.Model):
    """Posted rows are never edited or deleted; a reversal fills these fields once, and the row's
    effect ends on ``reversed_on`` (DOMAIN.md rule 4)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    reversed_on = models.DateField(_("reversed on"), null=True, blank=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reversed by"),
    )
    reversal_reason = models.TextField(_("reversal reason"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_reversed(self) -> bool:
        return self.reversed_on is not None


class Receipt(Reversible):
    """Money received from a customer (收款单). What is not allocated is unapplied cash."""

    # the list and unique indexes lead with the company: no index of its own to keep on every write
    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, db_index=False, verbose_name=_("company"))
    number = models.CharField(_("number"), max_length=40)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="receipts", verbose_name=_("customer")
    )
    received_on = models.DateField(_("received on"))
    amount = money_field(_("amount"))
    currency = currency_field()
    method = models.CharField(
        _("method"), max_length=24, choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER
    )
    bill_maturity_date = models.DateField(_("bill maturity date"), null=True, blank=True)
    payer_name = models.CharField(_("payer name"), max_length=200, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    memo = models.CharField(_("memo"), max_length=500, blank=True)
    allocated_amount = money_field(_("allocated amount"), default=ZERO)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="receipt_unique_number"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="receipt_amount_gt_0"),
            models.CheckConstraint(
                condition=models.Q(allocated_amount__gte=0) & models.Q(allocated_amount__lte=models.F("amount")),
                name="receipt_allocated_within_amount",
            ),
        ]
        indexes = [
            # one customer's list in its order to the id: a deep page is walked in the index alone;
            # with what the home page sums of a rep's customers' receipts by month
            models.Index(
                fields=["company", "customer", "received_on", "id", "currency", "amount", "reversed_on"],
                name="receipt_customer_idx",
            ),
            # the list's order (newest first): page 1 and deep pages walk it, nothing is sorted; with
            # what the home page sums of the money received by month, read from the index alone
            models.Index(
                fields=["company", "received_on", "id", "currency", "amount", "reversed_on"], name="receipt_list_idx"
            ),
            # the receipts with money not yet matched (a few in a book: most are matched in full),
            # with what the customers' unapplied cash sums: the customer list sorted by balance
            # reads these rows only (receivables.customer_figures)
            # a bank reference, as the top bar's search finds it (receivables.search)
            models.Index(
                fields=["company", "bank_reference"],
                condition=~models.Q(bank_reference=""),
                name="receipt_bank_reference_idx",
            ),
            # led by the customer: one customer's unapplied cash (figures.unapplied_total) reads it too;
            # the company last, so that the customer list's subquery (which names it) reads the index only
            models.Index(
                fields=["customer", "currency", "received_on", "amount", "allocated_amount", "company"],
                condition=models.Q(reversed_on__isnull=True) & models.Q(allocated_amount__lt=models.F("amount")),
                name="receipt_unapplied_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def unallocated_amount(self):
        return ZERO if self.is_reversed else self.amount - self.allocated_amount


class Allocation(Reversible):
    """Part of a receipt applied to part of an installment (核销), effective from a date."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    # allocation_receipt_idx and allocation_installment_idx lead with these: no index of their own
    receipt = models.ForeignKey(
        Receipt, on_delete=models.PROTECT, db_index=False, related_name="allocations", verbose_name=_("receipt")
    )
    installment = models.ForeignKey(
        "contracts.Installment",
        on_delete=models.PROTECT,
        db_index=False,
        related_name="allocations",
        verbose_name=_("installment"),
    )
    # allocation_customer_idx leads with it: no index of its own
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, db_index=False, related_name="+")
    amount = money_field(_("amount"))
    effective_on = models.DateField(_("effective on"))

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["-effective_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_amount_gt_0"),
            models.CheckConstraint(
                condition=models.Q(reversed_on__isnull=True) | models.Q(reversed_on__gte=models.F("effective_on")),
                name="allocation_reversed_after_effective",
            ),
        ]
        indexes = [
            models.Index(fields=["installment", "effective_on"], name="allocation_installment_idx"),
            models.Index(fields=["receipt", "effective_on"], name="allocation_receipt_idx"),
            # a customer's allocations newest first, and its reversed ones by reversal date (the
            # customer's timeline): walked in order, not all of a customer's rows sorted
            models.Index(fields=["customer", "effective_on", "id"], name="allocation_customer_idx"),
            models.Index(
                fields=["customer", "reversed_on", "id"],
                condition=models.Q(reversed_on__isnull=False),
                name="allocation_reversed_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt.number} → {self.installment}: {self.amount}"


class Adjustment(Reversible):
    """A credit note, discount or write-off that reduces what an installment asks for (调整)."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    installment = models.ForeignKey(
        "contracts.Installment", on_delete=models.PROTECT, related_name="adjustments", verbose_name=_("installment")
    )
    # adjustment_customer_idx leads with it: no index of its own
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, db_index=False, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=AdjustmentKind.choices)
    amount = money_field(_("amount"))
    effective_on = models.DateField(_("effective on"))
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        ordering = ["-effective_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="adjustment_amount_gt_0"),
            models.CheckConstraint(
                condition=models.Q(reversed_on__isnull=True) | models.Q(reversed_on__gte=models.F("effective_on")),
                name="adjustment_reversed_after_effective",
            ),
        ]
        indexes = [
            models.Index(fields=["installment", "effective_on"], name="adjustment_installment_idx"),
            # a customer's adjustments newest first (the customer's timeline), walked in order
            models.Index(fields=["customer", "effective_on", "id"], name="adjustment_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.installment}: {self.amount}"


class CollectedMonth(CustomerMonthTotal):
    """What a customer paid in one month (实际回款: receipts by the month received, not reversed), in
    whole cents per currency: a running total kept by the receipt services
    (``receivables.month_totals``), so the home page's chart and plan-vs-actual sum a row per
    customer and month instead of every receipt. A reversed receipt is taken out of its month."""

    class Meta:
        verbose_name = _("collected month")
        verbose_name_plural = _("collected months")
        constraints = [
            # a sales rep's customers' months (the reads filter by customer alone: dashboard._kept)
            models.UniqueConstraint(fields=["customer", "currency", "month"], name="collected_month_unique"),
        ]
        indexes = [
            models.Index(fields=["company", "currency", "month", "amount_cents"], name="collected_month_company_idx"),
        ]
