from django.contrib import admin

from huikuan.core.admin_mixins import ReadOnlyAdmin, ReadOnlyInline
from huikuan.terms.models import PaymentTerms, PaymentTermsLine


class LineInline(ReadOnlyInline):
    model = PaymentTermsLine
    fields = (
        "sequence",
        "label",
        "amount_kind",
        "percent",
        "fixed_amount",
        "due_rule",
        "days",
        "months",
        "day_of_month",
        "fixed_date",
        "milestone",
        "periods",
        "period",
        "is_retention",
    )


@admin.register(PaymentTerms)
class PaymentTermsAdmin(ReadOnlyAdmin):
    list_display = ("name", "company", "whole_units", "is_active")
    list_filter = ("company", "is_active")
    search_fields = ("name",)
    inlines = [LineInline]
