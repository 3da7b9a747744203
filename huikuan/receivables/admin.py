from django.contrib import admin

from huikuan.core.admin_mixins import ReadOnlyAdmin, ReadOnlyInline
from huikuan.receivables.models import Adjustment, Allocation, Receipt


class AllocationInline(ReadOnlyInline):
    model = Allocation
    fk_name = "receipt"
    fields = ("installment", "amount", "effective_on", "reversed_on", "reversal_reason")


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ("number", "customer", "received_on", "currency", "amount", "allocated_amount", "method")
    list_filter = ("method", "currency", "company")
    search_fields = ("number", "customer__name", "payer_name", "bank_reference", "memo")
    date_hierarchy = "received_on"
    inlines = [AllocationInline]


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ("receipt", "installment", "amount", "effective_on", "reversed_on")
    search_fields = ("receipt__number", "installment__contract__number")
    list_select_related = ("receipt", "installment__contract")


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnlyAdmin):
    list_display = ("installment", "kind", "amount", "effective_on", "reason", "reversed_on")
    list_filter = ("kind",)
    search_fields = ("installment__contract__number", "reason")
    list_select_related = ("installment__contract",)
