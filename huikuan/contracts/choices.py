from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")
    CANCELLED = "cancelled", _("Cancelled")


class InstallmentStatus(models.TextChoices):
    """What an installment's state was on a date. The words only: the rules that pick one are in
    ``receivables.figures`` (see receivables/DESIGN.md, "Status")."""

    NOT_DUE = "not_due", _("Not due")
    DUE = "due", _("Due")
    OVERDUE = "overdue", _("Overdue")
    PAID = "paid", _("Paid")
    CREDITED = "credited", _("Credited")
    WRITTEN_OFF = "written_off", _("Written off")


class SettledStatus(models.TextChoices):
    """What cleared a settled installment, kept on the row while it stays settled."""

    PAID = InstallmentStatus.PAID.value, InstallmentStatus.PAID.label
    CREDITED = InstallmentStatus.CREDITED.value, InstallmentStatus.CREDITED.label
    WRITTEN_OFF = InstallmentStatus.WRITTEN_OFF.value, InstallmentStatus.WRITTEN_OFF.label
