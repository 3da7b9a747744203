from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.roles import READ_PERMS, ROLE_PERMS, Role, Scope
from huikuan.core.money import currency_field


class Company(models.Model):
    """A legal entity of the group (集团下属法人); every business record belongs to one."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    tax_id = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    currency = currency_field()
    contract_number_pattern = models.CharField(
        _("contract number pattern"), max_length=60, default="HT-{year}-{seq:05d}"
    )
    receipt_number_pattern = models.CharField(_("receipt number pattern"), max_length=60, default="SK-{year}-{seq:06d}")
    customer_code_pattern = models.CharField(_("customer code pattern"), max_length=60, default="C{seq:05d}")

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A sales team; a manager with team scope sees the customers its members own."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, verbose_name=_("company"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person using Huikuan; role says what they may change, scope what they may see."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SALES_REP)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.OWN)
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("company")
    )
    other_companies = models.ManyToManyField(
        Company,
        blank=True,
        related_name="group_users",
        verbose_name=_("other companies"),
        help_text=_("Used with the 'several companies' scope."),
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("team")
    )
    # Empty: the browser's language (then LANGUAGE_CODE). Set by the switch in the workbench's top bar.
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True, default="")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def has_perm_code(self, perm: str) -> bool:
        if self.is_superuser:
            return True
        return perm in ROLE_PERMS.get(self.role, frozenset())

    @property
    def is_read_only(self) -> bool:
        return not self.is_superuser and not (ROLE_PERMS.get(self.role, frozenset()) - READ_PERMS)
