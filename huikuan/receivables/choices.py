from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    BANK_ACCEPTANCE = "bank_acceptance", _("Bank acceptance bill")
    COMMERCIAL_ACCEPTANCE = "commercial_acceptance", _("Commercial acceptance bill")
    CHEQUE = "cheque", _("Cheque")
    CASH = "cash", _("Cash")
    WECHAT_PAY = "wechat_pay", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    OFFSET = "offset", _("Offset")
    OTHER = "other", _("Other")


BILL_METHODS = frozenset({PaymentMethod.BANK_ACCEPTANCE, PaymentMethod.COMMERCIAL_ACCEPTANCE})


class AdjustmentKind(models.TextChoices):
    CREDIT_NOTE = "credit_note", _("Credit note")
    DISCOUNT = "discount", _("Discount")
    WRITE_OFF = "write_off", _("Write-off")
