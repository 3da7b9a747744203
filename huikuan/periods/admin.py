from django.contrib import admin
from django.db.models import QuerySet

from huikuan.accounts.admin_mixins import ScopedAdminMixin
from huikuan.accounts.models import User
from huikuan.core.admin_mixins import ReadOnlyAdmin
from huikuan.periods.models import ClosedPeriod
from huikuan.periods.selectors import periods_visible_to


@admin.register(ClosedPeriod)
class ClosedPeriodAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    """Months are closed and reopened through the services (API), which check order and
    permission and write the audit trail; the admin only shows them."""

    list_display = ("company", "month", "closed_by", "closed_at", "reopened_by", "reopened_at")
    list_filter = ("company",)

    def visible_queryset(self, user: User) -> QuerySet[ClosedPeriod]:
        return periods_visible_to(user)
