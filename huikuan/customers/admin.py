from django.contrib import admin
from django.db.models import QuerySet

from huikuan.accounts.admin_mixins import ScopedAdminMixin
from huikuan.accounts.models import User
from huikuan.accounts.scope import restrict
from huikuan.core.admin_mixins import ReadOnlyAdmin, ReadOnlyInline
from huikuan.customers.models import Contact, Customer, Tag
from huikuan.customers.selectors import customers_visible_to


class ContactInline(ReadOnlyInline):
    model = Contact
    fields = ("name", "role", "phone", "email", "is_primary")


@admin.register(Customer)
class CustomerAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    list_display = ("code", "name", "tax_id", "owner", "credit_limit", "status")
    list_filter = ("status", "company", "tags")
    search_fields = ("code", "name", "tax_id")
    inlines = [ContactInline]

    def visible_queryset(self, user: User) -> QuerySet[Customer]:
        return customers_visible_to(user)


@admin.register(Tag)
class TagAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "company")
    search_fields = ("name",)

    def visible_queryset(self, user: User) -> QuerySet[Tag]:
        return restrict(Tag.objects.all(), user, owner=None)
