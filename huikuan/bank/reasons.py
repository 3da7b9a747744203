"""The engine's reasons (codes with parameters, stored with a line's proposals) in words, in the
reader's language."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def reason_text(code: str, params: dict[str, object]) -> str:
    count = int(params.get("count", 0) or 0)  # type: ignore[call-overload]
    if code == "account_known":
        return _("payer account seen before for this customer")
    if code == "account_several":
        return _("the payer account pays for several customers")
    if code == "contract_in_memo":
        numbers = params.get("numbers") or []
        if numbers:
            return _("contract %(numbers)s named in the memo") % {"numbers": ", ".join(map(str, numbers))}  # type: ignore[call-overload]
        return _("a contract number in the memo")
    if code == "contracts_of_several":
        return _("the memo names contracts of several customers")
    if code == "name_differs":
        return _("the payer's name is another customer's")
    if code == "name_exact":
        return _("payer name is the customer's name")
    if code == "name_known":
        return _("payer name confirmed before for this customer")
    if code == "name_core":
        return _("payer name is the customer's name without place or legal form")
    if code == "name_abbreviation":
        return _("payer name may abbreviate the customer's name")
    if code == "name_similar":
        return _("payer name is similar to the customer's (%(score)s%% alike)") % {"score": params.get("score", 0)}
    if code == "name_several":
        return _("the payer name fits several customers")
    if code == "contract_open_amount":
        return _("amount equals what is open on the named contract")
    if code == "contract_installment_amount":
        return _("amount equals an installment of the named contract")
    if code == "contract_oldest_sum":
        return ngettext(
            "amount equals the oldest installment of the named contract",
            "amount equals the oldest %(count)s installments of the named contract together",
            count,
        ) % {"count": count}
    if code == "amount_oldest":
        return _("amount equals the oldest open installment")
    if code == "amount_one":
        if count > 1:
            return _("amount equals %(count)s open installments; the oldest of them is taken") % {"count": count}
        return _("amount equals one open installment")
    if code == "amount_oldest_sum":
        return _("amount equals the oldest %(count)s open installments together") % {"count": count}
    if code == "amount_subset":
        return _("amount equals %(count)s open installments together, not the oldest") % {"count": count}
    if code == "partial":
        return _("part payment: less than the installment")
    if code == "overpaid":
        return _("more than everything open: the rest stays unapplied")
    if code == "oldest_first":
        return _("amount fits no installments exactly: oldest first")
    if code == "nothing_open":
        return _("the customer has nothing open: the money stays unapplied")
    return code


def reasons_text(reasons: Sequence[Sequence[object]]) -> list[str]:
    return [reason_text(str(code), dict(params)) for code, params in reasons]  # type: ignore[call-overload,misc]
