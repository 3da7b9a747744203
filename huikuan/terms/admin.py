from django.contrib import admin

from huikuan.core.admin_mixins import ReadOnlyAdmin, ReadOnlyInline
from huikuan.terms.models import LINE_DISPLAY_FIELDS, PaymentTerms, PaymentTermsLine


class LineInline(ReadOnlyInline):
    model = PaymentTermsLine
    fields = LINE_DISPLAY_FIELDS


@admin.register(PaymentTerms)
class PaymentTermsAdmin(ReadOnlyAdmin):
    list_display = ("name", "company", "whole_units", "is_active")
    list_filter = ("company", "is_active")
    search_fields = ("name",)
    inlines = [LineInline]
