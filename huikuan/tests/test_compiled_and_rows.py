"""core.compiled (querysets compiled once) and core.rows (INSERT/UPDATE in plain SQL) give what the
ORM gives, on both databases: the write path trusts them with scope, locks and money."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from huikuan.accounts.roles import Role, Scope
from huikuan.accounts.scope import lock_visible, require_visible, restrict
from huikuan.contracts.models import Contract, Installment
from huikuan.core import compiled, rows
from huikuan.core.errors import NotPermitted
from huikuan.receivables.models import Receipt
from huikuan.receivables.services.receipts import receipt_create


def compiled_plan(key: str):
    """The compiled plan kept under ``key`` for the last argument types used (None: the ORM runs
    that query each time)."""
    plans = [plan for full_key, plan in compiled._plans.items() if full_key[2] == key]
    assert plans, key
    return plans[-1]


@pytest.fixture
def books(make_customer, make_contract, manager, rep, other_rep, team_lead):
    """Contracts owned by the rep, by a teammate and by the manager (outside the rep's team)."""
    mine = make_contract(make_customer(owner=rep), [("100.10", dt.date(2025, 3, 1)), ("0.01", dt.date(2025, 4, 1))])
    teammate = make_contract(make_customer(owner=other_rep), [("5.00", dt.date(2025, 3, 1))])
    others = make_contract(make_customer(owner=manager), [("7.00", dt.date(2025, 3, 1))])
    return [mine, teammate, others]


def test_lock_visible_agrees_with_the_scope_filter_for_every_user_and_record(
    books, manager, clerk, rep, other_rep, team_lead, auditor, make_user
):
    outsider = make_user("outsider", Role.SALES_REP, company=None)
    users = [manager, clerk, rep, other_rep, team_lead, auditor, outsider]
    for _round in range(2):  # the second round runs the compiled statements from the cache
        for user in users:
            for contract in books:
                expected = restrict(Contract.objects.all(), user).filter(pk=contract.pk).exists()
                with transaction.atomic():
                    try:
                        found = lock_visible(Contract, user, contract.pk, related=("customer", "company"))
                    except NotPermitted:
                        found = None
                assert (found is not None) == expected, (user.username, contract.number)
                try:
                    require_visible(user, contract)
                    visible = True
                except NotPermitted:
                    visible = False
                assert visible == expected, (user.username, contract.number)


def test_a_changed_scope_is_never_answered_from_an_earlier_users_statement(books, rep):
    _mine, teammate, _others = books
    with pytest.raises(NotPermitted), transaction.atomic():
        lock_visible(Contract, rep, teammate.pk)
    rep.scope = Scope.TEAM  # the rep becomes a team lead: the teammate's contract is now in scope
    rep.save()
    with transaction.atomic():
        assert lock_visible(Contract, rep, teammate.pk).pk == teammate.pk


def test_compiled_rows_equal_the_orms_with_related_rows_and_converted_values(books):
    contract = books[0]

    def build(contract_id: int):
        return Installment.objects.filter(contract_id=contract_id).select_related("contract__customer").order_by("pk")

    for _round in range(2):
        got = compiled.run("test-plan", build, contract.pk)
        want = list(build(contract.pk))
        assert [i.pk for i in got] == [i.pk for i in want]
        for a, b in zip(got, want, strict=True):
            for field in Installment._meta.concrete_fields:
                assert getattr(a, field.attname) == getattr(b, field.attname), field.name
            assert isinstance(a.amount, Decimal)
            assert a.amount == b.amount
            assert isinstance(a.due_date, dt.date)
            assert isinstance(a.is_retention, bool)
            assert a.contract.customer.name == b.contract.customer.name
        with CaptureQueriesContext(connection) as queries:
            assert got[0].contract.customer.pk == contract.customer_id  # loaded with the row
        assert not queries.captured_queries
    assert [i.amount for i in got] == [Decimal("100.10"), Decimal("0.01")]
    assert compiled_plan("test-plan").model is Installment  # compiled, not the ORM's fallback


def test_string_and_several_int_arguments_and_an_empty_list(books):
    contract = books[0]

    def build(*pks: int):
        return Installment.objects.filter(pk__in=pks).order_by("pk")

    pks = list(contract.installments.values_list("pk", flat=True))
    assert [i.pk for i in compiled.run("test-in", build, *pks)] == sorted(pks)
    assert compiled.run("test-in", build) == []  # pk__in=(): no query, as the ORM does

    def by_currency(contract_id: int, currency: str):
        return Installment.objects.filter(contract_id=contract_id, currency=currency)

    assert len(compiled.run("test-currency", by_currency, contract.pk, "CNY")) == 2
    assert compiled.run("test-currency", by_currency, contract.pk, "USD") == []
    with pytest.raises(TypeError):
        compiled.run("test-currency", by_currency, contract.pk, dt.date(2025, 1, 1))  # type: ignore[arg-type]


def test_a_lookup_that_rewrites_its_value_falls_back_to_the_orm(books):
    contract = books[0]

    def above(cents: int):  # the int becomes a Decimal parameter: the stand-in cannot be found
        return Installment.objects.filter(contract_id=contract.pk, amount__gt=Decimal(cents) / 100).order_by("pk")

    assert [i.amount for i in compiled.run("test-rewritten", above, 1000)] == [Decimal("100.10")]
    assert [i.amount for i in compiled.run("test-rewritten", above, 0)] == [Decimal("100.10"), Decimal("0.01")]
    assert compiled_plan("test-rewritten") is None


def test_rows_insert_update_and_where_helpers_write_what_the_orm_reads_back(make_customer, manager, make_contract):
    customer = make_customer()
    receipt = receipt_create(
        actor=manager, customer=customer, received_on=dt.date(2025, 3, 1), amount=Decimal("12.34"), memo="备注"
    )
    stored = Receipt.objects.get(pk=receipt.pk)  # written by rows.insert, read back by the ORM
    assert stored.amount == Decimal("12.34")
    with transaction.atomic():
        receipt.allocated_amount = Decimal("0.34")
        receipt.memo = "不应写入"  # not among the fields: stays as stored
        rows.update(receipt, ["allocated_amount"])
    stored.refresh_from_db()
    assert (stored.allocated_amount, stored.memo) == (Decimal("0.34"), "备注")

    contract = make_contract(customer, [("1.00", dt.date(2025, 3, 1))], activate=False)
    template = contract.installments.get()
    fresh = [
        Installment(
            company_id=contract.company_id,
            contract=contract,
            customer_id=contract.customer_id,
            sequence=sequence,
            currency="CNY",
            amount=Decimal(sequence) / 100,
            open_amount=Decimal(sequence) / 100,
            due_date=template.due_date,
        )
        for sequence in range(2, 252)  # more rows than one statement takes
    ]
    with transaction.atomic():
        rows.insert_many(fresh)
    for installment in fresh:
        assert Installment.objects.get(pk=installment.pk).sequence == installment.sequence
        assert not installment._state.adding
    with transaction.atomic():
        assert rows.update_where(Installment, "contract", contract.pk, booked_on=dt.date(2025, 3, 2)) == 251
    assert set(contract.installments.values_list("booked_on", flat=True)) == {dt.date(2025, 3, 2)}
    # a row and other rows written in one statement (a WITH on PostgreSQL, two on SQLite)
    with transaction.atomic():
        contract.title = "计划与合同一起写入"
        booked = rows.update_where_statement(Installment, "contract", contract.pk, booked_on=dt.date(2025, 3, 3))
        rows.update(contract, ["title"], along=booked)
    assert Contract.objects.get(pk=contract.pk).title == "计划与合同一起写入"
    assert set(contract.installments.values_list("booked_on", flat=True)) == {dt.date(2025, 3, 3)}
    with transaction.atomic():
        assert rows.delete_where(Installment, "contract", contract.pk) == 251
    assert not contract.installments.exists()
    with pytest.raises(ValueError):
        rows.update(receipt, ["no_such_field"])


def test_values_are_the_tuples_the_orm_gives_with_converted_values(books):
    contract = books[0]

    def build(contract_id: int):
        return (
            Installment.objects.filter(contract_id=contract_id)
            .values_list("pk", "amount", "due_date", "is_retention", "contract__number", "contract__signed_on")
            .order_by("pk")
        )

    for _round in range(2):
        got = compiled.run_values("test-values", build, contract.pk)
        assert got == list(build(contract.pk))
    assert [type(value) for value in got[0][1:]] == [Decimal, dt.date, bool, str, dt.date]
    assert compiled_plan("test-values") is not None
    assert compiled.run("test-values-as-models", build, contract.pk) == list(build(contract.pk))  # the ORM's answer


KINDS_OF_ARGUMENTS = ((int,), (int, str), (int, int, str), (int, int, str, int))


def test_the_write_paths_reads_run_compiled_not_through_the_orm(make_customer, make_contract, manager):
    """A queryset that stops compiling (a stand-in rewritten by a new lookup) would still answer
    right through the ORM, only slowly: this catches it."""
    from huikuan.receivables.services.allocations import receipt_auto_allocate

    customer = make_customer()
    contract = make_contract(customer, [("10.00", dt.date(2025, 3, 1))])
    receipt = receipt_create(
        actor=manager, customer=customer, received_on=dt.date(2025, 3, 2), amount=Decimal("10.00"), memo=contract.number
    )
    assert len(receipt_auto_allocate(actor=manager, receipt=receipt)) == 1
    # and one whose memo names nothing, matched oldest first
    other = receipt_create(actor=manager, customer=customer, received_on=dt.date(2025, 3, 2), amount=Decimal("1.00"))
    make_contract(customer, [("5.00", dt.date(2025, 3, 1))])
    assert len(receipt_auto_allocate(actor=manager, receipt=other)) == 1
    assert all(plan is not None for k, plan in compiled._plans.items() if k[2] == "first_open_installments")
    assert any(k[2] == "first_open_installments" for k in compiled._plans)
    for key in (
        "contract_plan",
        "contracts_named_in_memo",
        "open_installments_exactly",
        "contracts_of_installments_for_update",
        "installments_for_update",
    ):
        # with the arguments this allocation gave (elsewhere an empty pk list compiles to nothing)
        plans = [plan for k, plan in compiled._plans.items() if k[2] == key and k[3] in KINDS_OF_ARGUMENTS]
        assert plans, key
        assert all(plan is not None for plan in plans), key
    scoped = [  # the scoped locks and checks compiled for this user (one with no company compiles to nothing)
        plan
        for full_key, plan in compiled._plans.items()
        if isinstance(full_key[2], tuple) and full_key[2][-1][0] == manager.pk
    ]
    assert scoped
    assert all(plan is not None for plan in scoped)


def test_plain_value_rows_keys_handed_out_first_and_arrays_on_postgresql(make_customer, manager, monkeypatch):
    """insert_values / update_values / reserve_ids / insert_objects: what the ORM reads back, in
    several statements when the rows outnumber one statement's share (PostgreSQL's JSON rows), keys
    never handed out twice, not even after the last row is deleted."""
    monkeypatch.setattr(rows, "_JSON_ROWS", 2)
    customer = make_customer(owner=manager)
    made = [
        Receipt(
            company_id=customer.company_id,
            customer=customer,
            number=f"R-{i}",
            received_on=dt.date(2025, 3, i + 1),
            amount=Decimal("100.10") + i,
            currency="CNY",
            payer_name="杭州云帆网络科技有限公司" if i else "",
            bill_maturity_date=dt.date(2025, 9, 1) if i == 1 else None,
            created_by=manager,
        )
        for i in range(5)
    ]
    with transaction.atomic():
        first = rows.reserve_ids(Receipt, 2)
        rows.insert_objects(made)
    assert first[1] == first[0] + 1
    assert [r.pk for r in made] == sorted(r.pk for r in made)
    assert made[0].pk > first[1]
    stored = {r.pk: r for r in Receipt.objects.filter(customer=customer)}
    for receipt in made:
        again = stored[receipt.pk]
        assert (again.number, again.received_on, again.amount, again.payer_name, again.bill_maturity_date) == (
            receipt.number, receipt.received_on, receipt.amount, receipt.payer_name, receipt.bill_maturity_date
        )  # fmt: skip
        assert again.created_at is not None
        assert again.allocated_amount == Decimal("0.00")

    changed = rows.update_values(
        Receipt,
        ["memo", "allocated_amount", "bill_maturity_date"],
        [[r.pk, f"备注 {r.pk}", Decimal("0.10"), None] for r in made[:3]],
    )
    assert changed == 3
    after = {r.pk: r for r in Receipt.objects.filter(customer=customer)}
    for receipt in made[:3]:
        assert (after[receipt.pk].memo, after[receipt.pk].allocated_amount) == (f"备注 {receipt.pk}", Decimal("0.10"))
        assert after[receipt.pk].bill_maturity_date is None
    assert (after[made[4].pk].memo, after[made[4].pk].allocated_amount) == ("", Decimal("0.00"))
    assert rows.update_values(Receipt, ["memo"], []) == 0
    assert rows.insert_values(Receipt, ["memo"], []) == 0

    Receipt.objects.filter(pk=made[-1].pk).delete()
    with transaction.atomic():
        later = rows.reserve_ids(Receipt, 1)
    assert later[0] > made[-1].pk


def test_keys_are_reserved_only_inside_the_transaction_that_writes_them_on_sqlite(transactional_db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's reservation holds only under the transaction's write lock")
    with pytest.raises(RuntimeError):
        rows.reserve_ids(Receipt, 1)
