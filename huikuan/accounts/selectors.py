from django.db.models import Q, QuerySet

from huikuan.accounts.models import User
from huikuan.accounts.roles import Scope
from huikuan.accounts.scope import company_ids, sees_whole_companies


def users_visible_to(user: User) -> QuerySet[User]:
    """Active users the user may know of, and so name as the owner of a record.

    Company-wide scopes see the users of their companies; a team scope the team and oneself; an own
    scope only oneself. An id outside this set is answered exactly like an id that does not exist, so
    owner fields cannot be used to find out which users exist (issue 11, item 9)."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    ids = company_ids(user)
    users = User.objects.filter(is_active=True)
    if ids is not None:
        users = users.filter(company_id__in=ids)
    if sees_whole_companies(user):
        return users
    if user.scope == Scope.TEAM and user.team_id:
        return users.filter(Q(team_id=user.team_id) | Q(pk=user.pk))
    return users.filter(pk=user.pk)
