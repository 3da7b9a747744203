from django.contrib import admin
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.admin_mixins import ScopedAdminMixin
from huikuan.accounts.models import User
from huikuan.core.admin_mixins import ReadOnlyAdmin, ReadOnlyInline
from huikuan.receivables.models import Adjustment, Allocation, Receipt
from huikuan.receivables.selectors import adjustments_visible_to, allocations_visible_to, receipts_visible_to


class CustomerColumn:
    """Allocations and adjustments carry their customer in a field without a translated verbose
    name; the admin shows it under the translated one."""

    @admin.display(description=_("customer"))
    def customer_display(self, obj: Allocation | Adjustment) -> str:
        return str(obj.customer)


class AllocationInline(ReadOnlyInline):
    model = Allocation
    fk_name = "receipt"
    fields = ("installment", "amount", "effective_on", "reversed_on", "reversal_reason")


@admin.register(Receipt)
class ReceiptAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    list_display = ("number", "customer", "received_on", "currency", "amount", "allocated_amount", "method")
    list_filter = ("method", "currency", "company")
    search_fields = ("number", "customer__name", "payer_name", "bank_reference", "memo")
    date_hierarchy = "received_on"
    inlines = [AllocationInline]

    def visible_queryset(self, user: User) -> QuerySet[Receipt]:
        return receipts_visible_to(user)


@admin.register(Allocation)
class AllocationAdmin(CustomerColumn, ScopedAdminMixin, ReadOnlyAdmin):
    list_display = ("receipt", "installment", "amount", "effective_on", "reversed_on")
    search_fields = ("receipt__number", "installment__contract__number")
    list_select_related = ("receipt", "installment__contract")
    exclude = ("customer",)
    readonly_fields = ("customer_display",)

    def visible_queryset(self, user: User) -> QuerySet[Allocation]:
        return allocations_visible_to(user)


@admin.register(Adjustment)
class AdjustmentAdmin(CustomerColumn, ScopedAdminMixin, ReadOnlyAdmin):
    list_display = ("installment", "kind", "amount", "effective_on", "reason", "reversed_on")
    list_filter = ("kind",)
    search_fields = ("installment__contract__number", "reason")
    list_select_related = ("installment__contract",)
    exclude = ("customer",)
    readonly_fields = ("customer_display",)

    def visible_queryset(self, user: User) -> QuerySet[Adjustment]:
        return adjustments_visible_to(user)
