from django.contrib import admin
from django.db.models import QuerySet

from huikuan.accounts.admin_mixins import ScopedAdminMixin
from huikuan.accounts.models import User
from huikuan.core.admin_mixins import ReadOnlyAdmin, ReadOnlyInline
from huikuan.terms.models import LINE_DISPLAY_FIELDS, PaymentTerms, PaymentTermsLine
from huikuan.terms.selectors import terms_visible_to


class LineInline(ReadOnlyInline):
    model = PaymentTermsLine
    fields = LINE_DISPLAY_FIELDS


@admin.register(PaymentTerms)
class PaymentTermsAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    list_display = ("name", "company", "whole_units", "is_active")
    list_filter = ("company", "is_active")
    search_fields = ("name",)
    inlines = [LineInline]

    def visible_queryset(self, user: User) -> QuerySet[PaymentTerms]:
        return terms_visible_to(user)
