from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin as DrfTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from huikuan.accounts.admin_mixins import ScopedAdminMixin
from huikuan.accounts.models import Company, Team, User
from huikuan.accounts.scope import restrict


@admin.register(Company)
class CompanyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "tax_id", "currency")
    search_fields = ("code", "name", "tax_id")

    def visible_queryset(self, user: User) -> QuerySet[Company]:
        return restrict(Company.objects.all(), user, company="pk", owner=None)


@admin.register(Team)
class TeamAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "company")
    list_filter = ("company",)
    search_fields = ("name",)

    def visible_queryset(self, user: User) -> QuerySet[Team]:
        return restrict(Team.objects.all(), user, owner=None)


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
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

    def visible_queryset(self, user: User) -> QuerySet[User]:
        # Inactive users too: the admin is where they are reactivated.
        return restrict(User.objects.all(), user, owner=None)


# API tokens are keys to other people's accounts: only those of users in scope.
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(ScopedAdminMixin, DrfTokenAdmin):
    def visible_queryset(self, user: User) -> QuerySet[TokenProxy]:
        return restrict(TokenProxy.objects.select_related("user"), user, company="user__company", owner=None)
