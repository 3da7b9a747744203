from django.db import models
from django.utils.translation import gettext_lazy as _


class AmountKind(models.TextChoices):
    PERCENT = "percent", _("Percentage of the total")
    FIXED = "fixed", _("Fixed amount")
    REMAINDER = "remainder", _("Remainder")


class DueRule(models.TextChoices):
    AFTER_BASE = "after_base", _("Days after signing or the base date")
    FIXED_DATE = "fixed_date", _("Fixed date")
    END_OF_MONTH = "end_of_month", _("End of month plus days (monthly settlement)")
    DAY_OF_MONTH = "day_of_month", _("Day of a following month")
    AFTER_MILESTONE = "after_milestone", _("After a milestone")
    RECURRING = "recurring", _("Every period for a number of periods")


class MilestoneKind(models.TextChoices):
    DELIVERY = "delivery", _("Delivery")
    ACCEPTANCE = "acceptance", _("Acceptance")
    GO_LIVE = "go_live", _("Go-live")
    WARRANTY_END = "warranty_end", _("Warranty end")


class Period(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


PERIOD_MONTHS: dict[str, int] = {Period.MONTH: 1, Period.QUARTER: 3}
