"""Contracts: numbering, plans by template and by hand, activation, milestones, completion."""

import datetime as dt
from decimal import Decimal as D

import pytest

from huikuan.audit.models import AuditEvent
from huikuan.contracts.choices import ContractStatus
from huikuan.contracts.models import Contract, Installment
from huikuan.contracts.services import (
    contract_activate,
    contract_apply_terms,
    contract_cancel,
    contract_create,
    contract_set_installments,
    contract_terminate,
    contract_update,
    milestone_record,
)
from huikuan.core.errors import DomainError, NotPermitted
from huikuan.terms.choices import AmountKind, DueRule, MilestoneKind
from huikuan.terms.services import terms_create

pytestmark = pytest.mark.django_db

SIGNED = dt.date(2025, 3, 15)


@pytest.fixture
def customer(make_customer, rep):
    return make_customer(owner=rep)


@pytest.fixture
def standard_terms(company, manager):
    """30% on signing, 60% 30 days after acceptance, 10% retention 12 months after acceptance."""
    return terms_create(
        actor=manager,
        company=company,
        name="30/60/10",
        lines=[
            {"amount_kind": AmountKind.PERCENT, "percent": D("30"), "due_rule": DueRule.AFTER_BASE, "label": "预付款"},
            {
                "amount_kind": AmountKind.PERCENT,
                "percent": D("60"),
                "due_rule": DueRule.AFTER_MILESTONE,
                "milestone": MilestoneKind.ACCEPTANCE,
                "days": 30,
                "label": "验收款",
            },
            {
                "amount_kind": AmountKind.REMAINDER,
                "due_rule": DueRule.AFTER_MILESTONE,
                "milestone": MilestoneKind.ACCEPTANCE,
                "months": 12,
                "is_retention": True,
                "label": "质保金",
            },
        ],
    )


def new_contract(actor, customer, amount="100000.00", **kwargs):
    return contract_create(
        actor=actor, customer=customer, title="数控机床采购", signed_on=SIGNED, amount=D(amount), **kwargs
    )


def test_contract_numbers_follow_the_company_pattern_per_year(rep, customer):
    # when
    first = new_contract(rep, customer)
    second = new_contract(rep, customer)
    next_year = contract_create(
        actor=rep, customer=customer, title="续约", signed_on=dt.date(2026, 1, 5), amount=D("1.00")
    )
    # then
    assert [first.number, second.number, next_year.number] == ["HT-2025-00001", "HT-2025-00002", "HT-2026-00001"]


def test_a_custom_number_pattern_is_used(company, rep, customer):
    company.contract_number_pattern = "{company}-{year}{month:02d}-{seq:03d}"
    company.save()
    assert new_contract(rep, customer).number == "HQ-202503-001"


def test_contract_defaults_to_company_currency_and_customer_owner(rep, customer):
    contract = new_contract(rep, customer)
    assert (contract.currency, contract.owner, contract.status) == ("CNY", rep, ContractStatus.DRAFT)


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"amount": D("-1")}, "amount_not_positive", "amount"),
        ({"amount": D("10.001")}, "amount_too_precise", "amount"),
        ({"currency": "XXY"}, "unknown_currency", "currency"),
        ({"title": "  "}, "title_required", "title"),
        ({"vat_rate": D("1.5")}, "invalid_vat_rate", "vat_rate"),
        ({"starts_on": dt.date(2025, 5, 1), "ends_on": dt.date(2025, 4, 1)}, "dates_out_of_order", "ends_on"),
    ],
)
def test_bad_contract_input_is_refused_and_nothing_is_created(rep, customer, changes, code, field):
    values = {"title": "合同", "amount": D("100.00")} | changes
    with pytest.raises(DomainError) as error:
        contract_create(actor=rep, customer=customer, signed_on=SIGNED, **values)
    assert (error.value.code, error.value.field) == (code, field)
    assert Contract.objects.count() == 0


def test_yen_contract_refuses_fractional_yen(rep, customer):
    with pytest.raises(DomainError) as error:
        new_contract(rep, customer, amount="100.50", currency="JPY")
    assert error.value.code == "amount_too_precise"


def test_applying_terms_makes_installments_that_sum_to_the_amount(rep, customer, standard_terms):
    # given
    contract = new_contract(rep, customer, amount="123456.78")
    # when
    installments = contract_apply_terms(actor=rep, contract=contract, terms=standard_terms)
    # then
    assert [(i.amount, i.due_date, i.milestone, i.is_retention) for i in installments] == [
        (D("37037.03"), SIGNED, "", False),
        (D("74074.07"), None, MilestoneKind.ACCEPTANCE, False),
        (D("12345.68"), None, MilestoneKind.ACCEPTANCE, True),
    ]
    assert sum(i.amount for i in installments) == contract.amount


def test_terms_count_from_a_given_base_date(rep, customer, standard_terms):
    contract = new_contract(rep, customer)
    installments = contract_apply_terms(
        actor=rep, contract=contract, terms=standard_terms, base_date=dt.date(2025, 4, 1)
    )
    assert installments[0].due_date == dt.date(2025, 4, 1)


def test_activation_books_the_installments_from_the_signing_date(rep, customer, standard_terms):
    # given
    contract = new_contract(rep, customer, terms=standard_terms)
    # when
    contract_activate(actor=rep, contract=contract)
    # then
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    assert set(contract.installments.values_list("booked_on", flat=True)) == {SIGNED}
    assert AuditEvent.objects.filter(action="contract.activated", target_id=str(contract.pk), actor=rep).exists()


def test_a_plan_that_does_not_sum_to_the_amount_cannot_be_activated(rep, customer):
    # given
    contract = new_contract(rep, customer, amount="1000.00")
    contract_set_installments(
        actor=rep,
        contract=contract,
        installments=[{"amount": D("400.00"), "due_date": SIGNED}, {"amount": D("500.00"), "due_date": SIGNED}],
    )
    # when
    with pytest.raises(DomainError) as error:
        contract_activate(actor=rep, contract=contract)
    # then
    assert error.value.code == "plan_does_not_sum"
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT


def test_hand_entered_plan_must_not_exceed_the_amount(rep, customer):
    contract = new_contract(rep, customer, amount="1000.00")
    with pytest.raises(DomainError) as error:
        contract_set_installments(
            actor=rep, contract=contract, installments=[{"amount": D("1000.01"), "due_date": SIGNED}]
        )
    assert error.value.code == "plan_exceeds_amount"
    assert Installment.objects.count() == 0


def test_hand_entered_installment_needs_a_date_or_milestone(rep, customer):
    contract = new_contract(rep, customer, amount="1000.00")
    with pytest.raises(DomainError) as error:
        contract_set_installments(actor=rep, contract=contract, installments=[{"amount": D("1000.00")}])
    assert (error.value.code, error.value.field) == ("due_date_required", "installments[0].due_date")


def test_recording_acceptance_fixes_the_due_dates_waiting_on_it(rep, customer, standard_terms):
    # given
    contract = new_contract(rep, customer, terms=standard_terms)
    contract_activate(actor=rep, contract=contract)
    # when
    milestone_record(actor=rep, contract=contract, kind=MilestoneKind.ACCEPTANCE, reached_on=dt.date(2025, 6, 30))
    # then
    assert list(contract.installments.values_list("due_date", flat=True)) == [
        SIGNED,
        dt.date(2025, 7, 30),
        dt.date(2026, 6, 30),
    ]


def test_a_milestone_recorded_on_a_draft_applies_at_activation(rep, customer, standard_terms):
    contract = new_contract(rep, customer, terms=standard_terms)
    milestone_record(actor=rep, contract=contract, kind=MilestoneKind.ACCEPTANCE, reached_on=dt.date(2025, 4, 1))
    assert contract.installments.filter(due_date__isnull=True).count() == 0


@pytest.mark.parametrize(
    ("reached_on", "code"),
    [(dt.date(2025, 3, 1), "dates_out_of_order"), (dt.date(2999, 1, 1), "date_in_future")],
)
def test_milestone_dates_must_be_after_signing_and_not_in_the_future(rep, customer, reached_on, code):
    contract = new_contract(rep, customer)
    with pytest.raises(DomainError) as error:
        milestone_record(actor=rep, contract=contract, kind=MilestoneKind.DELIVERY, reached_on=reached_on)
    assert error.value.code == code


def test_a_milestone_is_recorded_once(rep, customer):
    contract = new_contract(rep, customer)
    milestone_record(actor=rep, contract=contract, kind=MilestoneKind.DELIVERY, reached_on=SIGNED)
    with pytest.raises(DomainError) as error:
        milestone_record(actor=rep, contract=contract, kind=MilestoneKind.DELIVERY, reached_on=SIGNED)
    assert error.value.code == "milestone_recorded"


def test_an_active_contract_keeps_its_amount_and_plan(rep, customer, standard_terms):
    # given
    contract = new_contract(rep, customer, terms=standard_terms)
    contract_activate(actor=rep, contract=contract)
    # when / then
    with pytest.raises(DomainError) as error:
        contract_update(actor=rep, contract=contract, amount=D("1.00"))
    assert (error.value.code, error.value.field) == ("not_editable", "amount")
    with pytest.raises(DomainError):
        contract_apply_terms(actor=rep, contract=contract, terms=standard_terms)
    contract.refresh_from_db()
    assert contract.amount == D("100000.00")


def test_an_active_contract_title_and_notes_can_change(rep, customer, standard_terms):
    contract = new_contract(rep, customer, terms=standard_terms)
    contract_activate(actor=rep, contract=contract)
    contract_update(actor=rep, contract=contract, title="新标题", notes="客户改名")
    contract.refresh_from_db()
    assert (contract.title, contract.notes) == ("新标题", "客户改名")


def test_only_drafts_are_cancelled_and_active_contracts_terminated(rep, customer, standard_terms):
    # given
    draft = new_contract(rep, customer)
    active = new_contract(rep, customer, terms=standard_terms)
    contract_activate(actor=rep, contract=active)
    # when
    contract_cancel(actor=rep, contract=draft, reason="客户放弃")
    contract_terminate(actor=rep, contract=active, on=dt.date(2025, 5, 1), reason="违约")
    # then
    draft.refresh_from_db()
    active.refresh_from_db()
    assert (draft.status, active.status, active.closed_on) == (
        ContractStatus.CANCELLED,
        ContractStatus.TERMINATED,
        dt.date(2025, 5, 1),
    )
    with pytest.raises(DomainError):
        contract_cancel(actor=rep, contract=active, reason="x")


def test_termination_needs_a_reason(rep, customer, standard_terms):
    contract = new_contract(rep, customer, terms=standard_terms)
    contract_activate(actor=rep, contract=contract)
    with pytest.raises(DomainError) as error:
        contract_terminate(actor=rep, contract=contract, on=dt.date(2025, 5, 1), reason=" ")
    assert error.value.code == "reason_required"


def test_an_auditor_cannot_create_contracts(auditor, customer):
    with pytest.raises(NotPermitted):
        new_contract(auditor, customer)


def test_a_customer_on_hold_gets_no_new_contract(manager, rep, customer):
    from huikuan.customers.services import customer_update

    customer_update(actor=manager, customer=customer, status="on_hold")
    with pytest.raises(DomainError) as error:
        new_contract(rep, customer)
    assert error.value.code == "customer_not_active"


def test_a_given_contract_number_is_kept_unless_taken(rep, customer):
    assert new_contract(rep, customer, number="ZD-001").number == "ZD-001"
    with pytest.raises(DomainError) as error:
        new_contract(rep, customer, number=" ZD-001 ")
    assert (error.value.code, error.value.field) == ("duplicate_number", "number")
    assert str(error.value.message) == "Another contract has this number."
