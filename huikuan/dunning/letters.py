"""The dunning letter (催收函) as a PDF: the company's letter text, the open items and the total in
大写金额, drawn from what the message recorded when the run made it (Message.context), so the
letter reads the same whenever it is printed or sent."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from huikuan.core import pdf
from huikuan.dunning import texts
from huikuan.dunning.choices import TemplateKey
from huikuan.dunning.models import Message


def letter_pdf(message: Message) -> bytes:
    """The letter of a message that has one. Raises ValueError for a message without a letter."""
    if not message.has_letter:
        raise ValueError(f"message {message.pk} has no letter")
    context = message.context
    with translation.override(message.language):
        title, body = texts.render(
            company_id=message.company_id, key=TemplateKey.LETTER, language=message.language, context=context
        )
        items = pdf.Table(
            headers=[_("Contract"), _("Installment"), _("Due date"), _("Days overdue"), _("Currency"), _("Open")],
            rows=[
                [
                    item["contract"],
                    item["label"],
                    item["due_date"],
                    str(item["days_overdue"]),
                    item["currency"],
                    item["open_amount"],
                ]
                for item in context["items"]
            ],
            numeric=(3, 5),
        )
        totals = [
            _("Total %(currency)s %(amount)s") % {"currency": total["currency"], "amount": total["amount"]}
            + (f"（{total['in_words']}）" if total["in_words"] else "")
            for total in context["totals"]
        ]
        charges = [
            _("%(name)s: %(currency)s %(amount)s (%(basis)s), subject to our confirmation") % fee
            for fee in context.get("fees", [])
        ]
        paragraphs = [part.strip() for part in body.split("\n\n") if part.strip()]
        document = pdf.Document(
            title=title or _("Payment demand"),
            lines=paragraphs,
            tables=[("", items)],
            footer=[*totals, *charges, "", context["company"], context["date"]],
        )
        return pdf.render(document)
