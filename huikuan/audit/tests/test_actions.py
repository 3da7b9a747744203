"""Audit actions come from one enum: a code outside it is refused, and every one has a label."""

import pytest
from django.utils import translation

from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction, action_label
from huikuan.audit.models import AuditEvent


def test_an_unknown_action_is_refused_and_nothing_is_written(company, manager):
    with pytest.raises(ValueError, match="receipt.creatd"):
        audit.record(action="receipt.creatd", target=company, actor=manager)  # type: ignore[arg-type]
    assert not AuditEvent.objects.filter(action="receipt.creatd").exists()


def test_every_action_has_a_chinese_label():
    with translation.override("en"):
        english = {a.value: str(action_label(a.value)) for a in AuditAction}
    with translation.override("zh-hans"):
        chinese = {a.value: str(action_label(a.value)) for a in AuditAction}
    assert [code for code in english if chinese[code] in (english[code], code)] == []
