from django.contrib import admin
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.admin_mixins import ScopedAdminMixin
from huikuan.accounts.models import User
from huikuan.contracts.models import Contract, Installment, Milestone
from huikuan.contracts.selectors import contracts_visible_to, installments_visible_to
from huikuan.core.admin_mixins import ReadOnlyAdmin, ReadOnlyInline


class InstallmentInline(ReadOnlyInline):
    model = Installment
    fields = ("sequence", "label", "amount", "due_date", "milestone", "is_retention", "open_amount", "settled_on")


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ("kind", "reached_on", "note", "recorded_by_display")
    readonly_fields = ("recorded_by_display",)

    # The model field has no translated verbose name; the column gets one here.
    @admin.display(description=_("recorded by"))
    def recorded_by_display(self, milestone: Milestone) -> str:
        return str(milestone.recorded_by or "")


@admin.register(Contract)
class ContractAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    list_display = ("number", "title", "customer", "signed_on", "currency", "amount", "status", "owner")
    list_filter = ("status", "currency", "company")
    search_fields = ("number", "title", "customer__name", "customer__code")
    date_hierarchy = "signed_on"
    inlines = [InstallmentInline, MilestoneInline]

    def visible_queryset(self, user: User) -> QuerySet[Contract]:
        return contracts_visible_to(user)


@admin.register(Installment)
class InstallmentAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    list_display = ("contract", "sequence", "customer", "amount", "due_date", "open_amount", "is_retention")
    list_filter = ("is_retention", "currency", "company")
    search_fields = ("contract__number", "customer__name")
    date_hierarchy = "due_date"
    list_select_related = ("contract", "customer")

    def visible_queryset(self, user: User) -> QuerySet[Installment]:
        return installments_visible_to(user)
