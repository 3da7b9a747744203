from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huikuan.core.models import TimeStampedModel
from huikuan.core.money import ZERO, currency_field, money_field


class CustomerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    CLOSED = "closed", _("Closed")


class Tag(models.Model):
    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="tag_unique_name")]

    def __str__(self) -> str:
        return self.name


class Customer(TimeStampedModel):
    """A company that buys from us and owes us under its contracts."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    tax_id = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_customers",
        verbose_name=_("owner"),
    )
    credit_limit = money_field(_("credit limit"), default=ZERO)
    default_terms = models.ForeignKey(
        "terms.PaymentTerms",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("default payment terms"),
    )
    status = models.CharField(_("status"), max_length=10, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE)
    tags = models.ManyToManyField(Tag, blank=True, verbose_name=_("tags"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="customer_unique_code"),
            models.CheckConstraint(condition=models.Q(credit_limit__gte=0), name="customer_credit_limit_gte_0"),
        ]
        indexes = [models.Index(fields=["company", "owner"], name="customer_company_owner_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Contact(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "pk"]

    def __str__(self) -> str:
        return self.name


class CustomerMonthTotal(models.Model):
    """A running total of one customer's amounts in one calendar month and currency, in whole
    cents: the shape of the tables the services keep so that monthly figures read a row per
    customer and month (contracts.PlannedMonth, receivables.CollectedMonth; customers.month_totals)."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, db_index=False, verbose_name=_("company"))
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, db_index=False, related_name="+", verbose_name=_("customer")
    )
    currency = currency_field()
    month = models.DateField(_("month"))
    amount_cents = models.BigIntegerField(_("amount, in cents"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.customer_id} {self.month:%Y-%m} {self.currency} {self.amount_cents}"
