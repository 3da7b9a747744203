from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import ManyToManyField, QuerySet
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin as DrfTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from huikuan.accounts.admin_mixins import ScopedAdminMixin
from huikuan.accounts.models import Company, Team, User
from huikuan.accounts.scope import restrict

_DEFAULT_PERMISSION_LABELS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    """A permission as "app | model | what it allows", in the reader's language. Django stores
    the names of the default permissions in English in the database; they are rebuilt here."""
    model = permission.content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    if model is None or permission.codename != f"{action}_{model._meta.model_name}":
        return str(permission)
    template = _DEFAULT_PERMISSION_LABELS.get(action)
    if template is None:
        return str(permission)
    verbose_name = model._meta.verbose_name
    app = apps.get_app_config(model._meta.app_label).verbose_name
    return f"{app} | {verbose_name} | {gettext(str(template)) % {'model': verbose_name}}"


class TranslatedPermissionsMixin:
    """Permission choices labelled by ``permission_label``."""

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if formfield is not None and db_field.related_model is Permission:
            formfield.label_from_instance = permission_label
        return formfield


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
class UserAdmin(TranslatedPermissionsMixin, ScopedAdminMixin, DjangoUserAdmin):
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


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(TranslatedPermissionsMixin, DjangoGroupAdmin):
    pass


# API tokens are keys to other people's accounts: only those of users in scope.
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(ScopedAdminMixin, DrfTokenAdmin):
    def visible_queryset(self, user: User) -> QuerySet[TokenProxy]:
        return restrict(TokenProxy.objects.select_related("user"), user, company="user__company", owner=None)
