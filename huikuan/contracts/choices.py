from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")
    CANCELLED = "cancelled", _("Cancelled")


class InstallmentStatus(models.TextChoices):
    NOT_DUE = "not_due", _("Not due")
    DUE = "due", _("Due")
    OVERDUE = "overdue", _("Overdue")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    WRITTEN_OFF = "written_off", _("Written off")
