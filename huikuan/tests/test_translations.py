"""Every user-visible string has its Chinese, and the Chinese is what a zh-hans user gets."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.utils import translation

from huikuan.core import money
from huikuan.core.errors import DomainError

CATALOG = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_the_chinese_catalog_is_complete():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []


def test_domain_errors_speak_chinese_to_a_chinese_user():
    with translation.override("zh-hans"), pytest.raises(DomainError) as error:
        money.validate_currency("XYZ")
    assert str(error.value.message) == "未知或不支持的币种：XYZ。"
