"""Who may be made the owner of a customer or contract (issue 11, items 9 and 10).

The owner decides who sees a record and whose book it counts in, so handing a record to someone
else needs Perm.OWNER_CHANGE (managers and finance); a rep may only keep an owner or take a record
for themselves. One rule for customers and contracts, on every door (API, pages, jobs)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from huikuan.accounts.errors import AccountErrorCode
from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.accounts.selectors import users_visible_to
from huikuan.core.errors import DomainError, NotPermitted


def check_owner(
    *, actor: User, owner: User, company_id: int, keeps: User | None = None, creating: bool = False
) -> None:
    """Refuse ``owner`` for a record of company ``company_id`` that ``actor`` creates or changes.

    ``keeps`` is the owner the record has (or, when ``creating``, would get anyway): keeping it needs
    no permission, and at creation the actor may also make themselves the owner. Any other owner needs
    Perm.OWNER_CHANGE. A user the actor may not see is refused with the same message as an inactive
    user or one of another company, so the answer tells nothing about which users exist. Raises
    DomainError (400) or NotPermitted (403)."""
    unchanged = keeps is not None and owner.pk == keeps.pk
    if unchanged and not creating:
        return  # an update that keeps the owner changes nothing
    usable = owner.is_active and (owner.company_id == company_id or owner.is_superuser)
    # The actor knows themselves and the owner of a record they see; anyone else only if in scope.
    known = owner.pk == actor.pk or unchanged or users_visible_to(actor).filter(pk=owner.pk).exists()
    if not usable or not known:
        raise DomainError(
            AccountErrorCode.INVALID_OWNER, _("The owner must be an active user of the company."), field="owner"
        )
    if creating and (owner.pk == actor.pk or unchanged):
        return
    if not actor.has_perm_code(Perm.OWNER_CHANGE):
        raise NotPermitted(_("Your role does not allow giving a customer or contract to another owner."))


def owner_change_data(*, before: User, after: User) -> dict[str, dict[str, object]]:
    """The data of an owner-change audit row: who owned the record before and who owns it now, so an
    auditor finds every hand-over without diffing the general update rows."""
    return {
        "before": {"owner": before.pk, "username": before.get_username()},
        "after": {"owner": after.pk, "username": after.get_username()},
    }
