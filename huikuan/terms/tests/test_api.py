"""Plumbing of /api/v1/terms/: CRUD without delete, and the preview that writes nothing."""

from decimal import Decimal

import pytest

from huikuan.terms.models import PaymentTerms, PaymentTermsLine

THREE_LINES = [
    {"label": "预付款", "amount_kind": "percent", "percent": "30", "due_rule": "after_base", "days": 0},
    {"label": "验收款", "amount_kind": "percent", "percent": "60", "due_rule": "after_milestone",
     "milestone": "acceptance", "days": 30},
    {"label": "质保金", "amount_kind": "remainder", "due_rule": "after_base", "months": 0, "days": 365,
     "is_retention": True},
]  # fmt: skip


@pytest.fixture
def terms_30_60_10(manager, company):
    from huikuan.terms.services import terms_create

    lines = [{**line, "percent": Decimal(line["percent"])} if "percent" in line else line for line in THREE_LINES]
    return terms_create(actor=manager, company=company, name="30/60/10", lines=lines)


def test_create_terms_with_lines(api_client, manager, company):
    # given
    client = api_client(manager)
    # when
    response = client.post("/api/v1/terms/", {"name": "30/60/10", "lines": THREE_LINES}, format="json")
    # then
    assert response.status_code == 201
    terms = PaymentTerms.objects.get()
    assert terms.company == company
    assert [(line["sequence"], line["amount_kind"], line["percent"]) for line in response.json()["lines"]] == [
        (1, "percent", "30.0000"),
        (2, "percent", "60.0000"),
        (3, "remainder", None),
    ]


def test_update_and_deactivate_terms(api_client, manager, terms_30_60_10):
    # given
    client = api_client(manager)
    # when
    response = client.patch(f"/api/v1/terms/{terms_30_60_10.pk}/", {"is_active": False}, format="json")
    # then
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert PaymentTermsLine.objects.filter(terms=terms_30_60_10).count() == 3


def test_terms_cannot_be_deleted(api_client, manager, terms_30_60_10):
    # when
    response = api_client(manager).delete(f"/api/v1/terms/{terms_30_60_10.pk}/")
    # then
    assert response.status_code == 405
    assert PaymentTerms.objects.count() == 1


def test_rep_reads_terms_but_cannot_change_them(api_client, rep, terms_30_60_10):
    # given
    client = api_client(rep)
    # when
    listed = client.get("/api/v1/terms/")
    changed = client.patch(f"/api/v1/terms/{terms_30_60_10.pk}/", {"name": "改名"}, format="json")
    # then
    assert listed.json()["count"] == 1
    assert changed.status_code == 403
    terms_30_60_10.refresh_from_db()
    assert terms_30_60_10.name == "30/60/10"


def test_bad_lines_are_refused_with_the_line_field(api_client, manager):
    # given
    lines = [{"amount_kind": "percent", "percent": "70", "due_rule": "after_base"}]
    # when
    response = api_client(manager).post("/api/v1/terms/", {"name": "不足", "lines": lines}, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "terms_remainder_needed"
    assert list(response.json()["fields"]) == ["lines"]
    assert PaymentTerms.objects.count() == 0


def test_preview_with_a_template_writes_nothing(api_client, rep, terms_30_60_10):
    # given
    body = {"terms": terms_30_60_10.pk, "amount": "100000.01", "base_date": "2025-01-10"}
    # when
    response = api_client(rep).post("/api/v1/terms/preview/", body, format="json")
    # then
    assert response.status_code == 200
    assert [(p["amount"], p["due_date"], p["milestone"]) for p in response.json()] == [
        ("30000.00", "2025-01-10", ""),
        ("60000.01", None, "acceptance"),
        ("10000.00", "2026-01-10", ""),
    ]
    assert PaymentTerms.objects.count() == 1


def test_preview_with_lines_and_whole_units(api_client, manager):
    # given
    lines = [
        {"amount_kind": "percent", "percent": "33.3333", "due_rule": "after_base", "days": 10},
        {"amount_kind": "remainder", "due_rule": "recurring", "period": "month", "periods": 2},
    ]
    body = {"lines": lines, "amount": "1000.50", "currency": "CNY", "base_date": "2025-01-31", "whole_units": True}
    # when
    response = api_client(manager).post("/api/v1/terms/preview/", body, format="json")
    # then
    assert response.status_code == 200
    assert [(p["amount"], p["due_date"]) for p in response.json()] == [
        ("333.00", "2025-02-10"),
        ("334.00", "2025-01-31"),
        ("333.50", "2025-02-28"),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "1000.00", "base_date": "2025-01-10"}, "lines"),
        ({"terms": 999999, "amount": "1000.00", "base_date": "2025-01-10"}, "terms"),
        ({"lines": [], "amount": "1000.00", "base_date": "2025-01-10"}, "lines"),
        ({"lines": THREE_LINES, "amount": "1000.001", "base_date": "2025-01-10"}, "amount"),
        ({"lines": THREE_LINES, "amount": "-5", "base_date": "2025-01-10"}, "amount"),
        ({"lines": THREE_LINES, "amount": "1000", "currency": "QQQ", "base_date": "2025-01-10"}, "currency"),
        ({"lines": THREE_LINES, "amount": "1000", "base_date": "10/01/2025"}, "base_date"),
    ],
)
def test_preview_refuses_bad_input(api_client, manager, body, field):
    # when
    response = api_client(manager).post("/api/v1/terms/preview/", body, format="json")
    # then
    assert response.status_code == 400
    assert field in response.json()["fields"]
