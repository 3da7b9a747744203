"""A payment terms template that can never fit an amount, or that repeats a line, is refused when it
is saved (service and API), naming the line and field at fault; not only later, when applied."""

import datetime as dt
from decimal import Decimal as D

import pytest

from huikuan.core.errors import DomainError
from huikuan.terms.models import PaymentTerms, PaymentTermsLine
from huikuan.terms.schedule import build_schedule
from huikuan.terms.services import terms_create, terms_update

pytestmark = pytest.mark.django_db


def pct(value, **extra):
    return {"amount_kind": "percent", "percent": D(value), "due_rule": "after_base", **extra}


def fixed(value, **extra):
    return {"amount_kind": "fixed", "fixed_amount": D(value), "due_rule": "after_base", **extra}


def rest(**extra):
    return {"amount_kind": "remainder", "due_rule": "after_base", **extra}


NEVER_FIT = [
    # 70% + 200 + 30%: the percentages alone make the whole total
    ([pct("70"), fixed("200", days=30), pct("30", days=60)], "terms_fixed_beyond_100", "lines[2].percent"),
    ([pct("100"), fixed("200", days=30)], "terms_fixed_beyond_100", "lines[1].fixed_amount"),
    ([pct("100"), fixed("200", days=30), rest(days=60)], "terms_fixed_beyond_100", "lines[1].fixed_amount"),
    ([pct("60"), pct("50", days=30)], "terms_percent_over_100", "lines[1].percent"),
    (
        [pct("60"), fixed("10", days=10), pct("50", days=30), rest(days=60)],
        "terms_percent_over_100",
        "lines[2].percent",
    ),
    ([pct("100"), rest(days=30)], "terms_remainder_empty", "lines[1].amount_kind"),
    ([pct("50"), rest(days=30), rest(days=60)], "terms_two_remainders", "lines[2].amount_kind"),
    # 200 closes 33.3333% only for a total of 300.00015...: not a whole fen
    ([pct("33.3333"), fixed("200", days=30)], "terms_never_fit", "lines[1].fixed_amount"),
    ([fixed("1000000000000.00")], "amount_too_large", "lines[0].fixed_amount"),
    ([fixed("999999999999.99"), fixed("0.01", days=30), rest(days=60)], "terms_never_fit", "lines[1].fixed_amount"),
]

REPEATED = [
    ([pct("50"), pct("50")], "lines[1].amount_kind"),
    ([pct("30", label="预付款"), pct("40", days=30), pct("30", label="首付")], "lines[2].amount_kind"),
    ([fixed("100"), fixed("100"), rest(days=30)], "lines[1].amount_kind"),
    (
        [
            pct("50", due_rule="after_milestone", milestone="delivery"),
            pct("50", due_rule="after_milestone", milestone="delivery"),
        ],
        "lines[1].amount_kind",
    ),
]

ACCEPTED = [
    [pct("30"), pct("60", days=30), rest(days=365)],
    [pct("50"), pct("50", days=30)],
    [pct("50"), pct("50", due_rule="after_milestone", milestone="delivery")],
    [fixed("500"), rest(days=30)],
    [fixed("500"), fixed("500", days=30)],  # fits exactly 1,000.00
    [pct("50"), fixed("100", days=30)],  # fits exactly 200.00
    [pct("30"), fixed("200", days=30), rest(days=60)],
    [pct("50", label="首付"), pct("50", days=30, label="首付")],  # same label, different dates
]


@pytest.mark.parametrize(
    ("lines", "code", "field"), [*NEVER_FIT, *[(lines, "terms_repeated_line", f) for lines, f in REPEATED]]
)
def test_a_template_that_can_never_apply_is_refused_when_created(manager, company, lines, code, field):
    # when
    with pytest.raises(DomainError) as error:
        terms_create(actor=manager, company=company, name="坏模板", lines=lines)
    # then
    assert (error.value.code, error.value.field) == (code, field)
    assert PaymentTerms.objects.count() == 0


@pytest.mark.parametrize(("lines", "code", "field"), NEVER_FIT[:3])
def test_a_template_cannot_be_changed_into_one_that_never_applies(manager, company, lines, code, field):
    # given
    terms = terms_create(actor=manager, company=company, name="好模板", lines=[pct("100")])
    # when
    with pytest.raises(DomainError) as error:
        terms_update(actor=manager, terms=terms, lines=lines)
    # then
    assert (error.value.code, error.value.field) == (code, field)
    assert list(PaymentTermsLine.objects.filter(terms=terms).values_list("percent", flat=True)) == [D("100")]


@pytest.mark.parametrize("lines", ACCEPTED)
def test_templates_that_fit_some_amount_are_saved(manager, company, lines):
    terms = terms_create(actor=manager, company=company, name="好模板", lines=lines)
    assert terms.lines.count() == len(lines)


@pytest.mark.parametrize(
    ("lines", "total"),
    [([pct("50"), fixed("100", days=30)], D("200.00")), ([fixed("500"), fixed("500", days=30)], D("1000.00"))],
)
def test_a_template_fitting_one_total_applies_to_it(lines, total):
    from huikuan.terms.services import line_specs

    planned = build_schedule(line_specs(lines), total=total, currency="CNY", base_date=dt.date(2025, 1, 10))
    assert sum(p.amount for p in planned) == total


def api_line(line):
    return {k: str(v) if isinstance(v, D) else v for k, v in line.items()}


@pytest.mark.parametrize(
    ("lines", "code", "field"), [NEVER_FIT[0], NEVER_FIT[3], (REPEATED[0][0], "terms_repeated_line", REPEATED[0][1])]
)
def test_the_api_refuses_such_a_template_naming_the_line_field(api_client, manager, lines, code, field):
    # when
    response = api_client(manager).post(
        "/api/v1/terms/", {"name": "70/200/30", "lines": [api_line(line) for line in lines]}, format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert list(response.json()["fields"]) == [field]
    assert PaymentTerms.objects.count() == 0


def test_the_api_refuses_changing_lines_into_such_a_template(api_client, manager, company):
    # given
    terms = terms_create(actor=manager, company=company, name="全款", lines=[pct("100")])
    lines = [api_line(line) for line in NEVER_FIT[0][0]]
    # when
    response = api_client(manager).patch(f"/api/v1/terms/{terms.pk}/", {"lines": lines}, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["fields"] == {"lines[2].percent": [response.json()["message"]]}
    assert terms.lines.count() == 1


def test_the_messages_are_translated(api_client, manager):
    body = {"name": "重复", "lines": [api_line(pct("50")), api_line(pct("50"))]}
    response = api_client(manager).post("/api/v1/terms/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.json()["message"] == "此行与第1行重复，请合并为一行。"
