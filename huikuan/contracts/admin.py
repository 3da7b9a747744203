from django.contrib import admin

from huikuan.contracts.models import Contract, Installment, Milestone
from huikuan.core.admin_mixins import ReadOnlyAdmin, ReadOnlyInline


class InstallmentInline(ReadOnlyInline):
    model = Installment
    fields = ("sequence", "label", "amount", "due_date", "milestone", "is_retention", "open_amount", "settled_on")


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ("kind", "reached_on", "note", "recorded_by")


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "customer", "signed_on", "currency", "amount", "status", "owner")
    list_filter = ("status", "currency", "company")
    search_fields = ("number", "title", "customer__name", "customer__code")
    date_hierarchy = "signed_on"
    inlines = [InstallmentInline, MilestoneInline]


@admin.register(Installment)
class InstallmentAdmin(ReadOnlyAdmin):
    list_display = ("contract", "sequence", "customer", "amount", "due_date", "open_amount", "is_retention")
    list_filter = ("is_retention", "currency", "company")
    search_fields = ("contract__number", "customer__name")
    date_hierarchy = "due_date"
    list_select_related = ("contract", "customer")
