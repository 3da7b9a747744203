from django.contrib import admin

from huikuan.core.admin_mixins import ReadOnlyAdmin, ReadOnlyInline
from huikuan.customers.models import Contact, Customer, Tag


class ContactInline(ReadOnlyInline):
    model = Contact
    fields = ("name", "role", "phone", "email", "is_primary")


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "tax_id", "owner", "credit_limit", "status")
    list_filter = ("status", "company", "tags")
    search_fields = ("code", "name", "tax_id")
    inlines = [ContactInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "company")
    search_fields = ("name",)
