from django.db.models import QuerySet

from huikuan.accounts.models import User
from huikuan.accounts.scope import restrict
from huikuan.terms.models import PaymentTerms


def terms_visible_to(user: User) -> QuerySet[PaymentTerms]:
    """Templates are shared across a company: everyone in it sees them."""
    return restrict(PaymentTerms.objects.all(), user, owner=None).prefetch_related("lines")
