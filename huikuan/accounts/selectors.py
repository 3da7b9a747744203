from django.db.models import QuerySet

from huikuan.accounts.models import User
from huikuan.accounts.scope import company_ids


def users_visible_to(user: User) -> QuerySet[User]:
    """Active users of the companies the user works in: the people records can be assigned to."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    ids = company_ids(user)
    users = User.objects.filter(is_active=True)
    return users if ids is None else users.filter(company_id__in=ids)
