"""Secrets at rest: encrypted, found by digest, readable after a key rotation, unreadable without
the key."""

import pytest

from huikuan.core import crypto


def test_encryption_hides_the_text_and_gives_it_back(settings):
    settings.HUIKUAN_FIELD_KEYS = "first-key-of-this-install"
    token = crypto.encrypt("6222021234567890123")
    assert "6222021234567890123" not in token
    assert token != crypto.encrypt("6222021234567890123")  # a new token each time
    assert crypto.decrypt(token) == "6222021234567890123"
    assert crypto.digest("6222021234567890123") == crypto.digest("6222021234567890123")
    assert crypto.digest("6222021234567890123") != crypto.digest("6222021234567890124")


def test_a_new_key_in_front_keeps_old_values_readable_and_digests_unchanged(settings):
    settings.HUIKUAN_FIELD_KEYS = "first-key-of-this-install"
    token, digest = crypto.encrypt("4367420012345"), crypto.digest("4367420012345")
    settings.HUIKUAN_FIELD_KEYS = "the-new-key, first-key-of-this-install"
    assert crypto.decrypt(token) == "4367420012345"
    assert crypto.digest("4367420012345") == digest
    settings.HUIKUAN_FIELD_KEYS = "the-new-key"
    assert crypto.encrypt("x") != token
    with pytest.raises(crypto.UndecryptableError):
        crypto.decrypt(token)


def test_without_keys_the_secret_key_is_used(settings):
    settings.HUIKUAN_FIELD_KEYS = ""
    settings.SECRET_KEY = "a-secret-key-long-enough-for-the-tests-of-huikuan-0123456789"
    assert crypto.decrypt(crypto.encrypt("abc")) == "abc"
