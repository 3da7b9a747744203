from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.models import Company, Team, User


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "tax_id", "currency")
    search_fields = ("code", "name", "tax_id")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "company")
    list_filter = ("company",)
    search_fields = ("name",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "scope", "company", "team", "is_active")
    list_filter = ("role", "scope", "company", "team", "is_active")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Huikuan"), {"fields": ("role", "scope", "company", "team", "other_companies")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Huikuan"), {"fields": ("role", "scope", "company", "team")}),
    )
    filter_horizontal = ("groups", "user_permissions", "other_companies")
