"""The reports agree with each other and with the figures on random books (hypothesis): the aging's
total is the open receivable on the date and its net each customer's balance; the arrears, the
KPIs and the statements say the same; and a past date's reports do not change with activity dated
after it (DOMAIN.md rules 5 and 6)."""

import datetime as dt
from decimal import Decimal as D

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huikuan.contracts.models import Installment
from huikuan.core.errors import DomainError
from huikuan.receivables import figures
from huikuan.receivables.services.adjustments import adjustment_create, adjustment_reverse
from huikuan.receivables.services.allocations import allocation_create
from huikuan.receivables.services.receipts import receipt_create, receipt_reverse
from huikuan.reports.aging import Grouping, aging_report
from huikuan.reports.arrears import arrears_ranking
from huikuan.reports.kpis import ar_on
from huikuan.reports.statement import customer_statement

START = dt.date(2025, 1, 10)
DAYS = st.integers(min_value=0, max_value=240)
STEPS = st.lists(
    st.tuples(
        st.sampled_from(["receive", "allocate", "reverse", "adjust", "unadjust"]),
        DAYS,
        st.integers(min_value=0, max_value=11),
        st.decimals(min_value=D("0.01"), max_value=D("4000.00"), places=2),
    ),
    max_size=12,
)


def play(manager, customers, installments, steps, *, after=None):
    """Carry out the steps (those refused by a rule are skipped); ``after`` dates every one after it."""
    receipts = []
    for action, day, pick, amount in steps:
        on = START + dt.timedelta(days=day)
        if after is not None:
            on = after + dt.timedelta(days=1 + day)
        customer = customers[pick % len(customers)]
        own = [i for i in installments if i.customer_id == customer.pk]
        try:
            if action == "receive":
                receipts.append(receipt_create(actor=manager, customer=customer, received_on=on, amount=amount))
            elif action == "allocate" and receipts:
                receipt = receipts[pick % len(receipts)]
                mine = [i for i in installments if i.customer_id == receipt.customer_id]
                allocation_create(
                    actor=manager,
                    receipt=receipt,
                    installment=mine[pick % len(mine)],
                    amount=amount,
                    effective_on=max(on, receipt.received_on),
                )
            elif action == "reverse" and receipts:
                receipt = receipts[pick % len(receipts)]
                receipt_reverse(actor=manager, receipt=receipt, reason="r", reversed_on=max(on, receipt.received_on))
            elif action == "adjust":
                adjustment_create(
                    actor=manager,
                    installment=own[pick % len(own)],
                    kind="write_off" if pick % 3 == 0 else "discount",
                    amount=amount,
                    reason="a",
                    effective_on=on,
                )
            elif action == "unadjust":
                live = [a for i in own for a in i.adjustments.filter(reversed_on__isnull=True)]
                if live:
                    target = live[0]
                    adjustment_reverse(
                        actor=manager, adjustment=target, reason="u", reversed_on=max(on, target.effective_on)
                    )
        except DomainError:
            pass


def snapshot(manager, customers, as_of):
    report = aging_report(user=manager, as_of=as_of)
    lines = sorted((line.customer_id, line.amounts, line.unapplied) for line in report.lines)
    totals = [(t.currency, t.amounts, t.unapplied) for t in report.totals]
    statements = [customer_statement(customer=c, currency="CNY", start=START, end=as_of).closing for c in customers]
    return lines, totals, statements


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS, later=STEPS, probes=st.lists(DAYS, min_size=1, max_size=3))
def test_reports_agree_and_the_past_stays(manager, rep, other_rep, make_customer, make_contract, steps, later, probes):
    with transaction.atomic():
        customers = [
            make_customer(owner=rep, name="甲客户有限公司"),
            make_customer(owner=other_rep, name="乙客户有限公司"),
        ]
        for customer in customers:
            make_contract(
                customer,
                [("3000.00", dt.date(2025, 2, 1)), ("4000.00", dt.date(2025, 5, 1)), ("5000.00", dt.date(2025, 9, 1))],
            )
        installments = list(Installment.objects.order_by("pk"))
        play(manager, customers, installments, steps)
        for day in probes:
            as_of = START + dt.timedelta(days=day)
            report = aging_report(user=manager, as_of=as_of)
            cny = report.total_of("CNY")
            open_total = figures.open_total(Installment.objects.all(), as_of)
            assert (cny.total if cny else D(0)) == open_total
            assert ar_on(Installment.objects.filter(currency="CNY"), as_of).total == open_total
            for line in report.lines:
                balance = figures.customer_balance(line.customer_id, as_of, currency="CNY")
                assert line.net == balance.balance
                statement = customer_statement(
                    customer=next(c for c in customers if c.pk == line.customer_id),
                    currency="CNY",
                    start=START,
                    end=as_of,
                )
                assert statement.balance == balance.balance
            _lines, arrears_totals = arrears_ranking(user=manager, as_of=as_of)
            assert [(t.currency, t.amounts) for t in arrears_totals] == [(t.currency, t.amounts) for t in report.totals]
            by_owner = aging_report(user=manager, as_of=as_of, grouping=Grouping.OWNER)
            assert sum((line.total for line in by_owner.lines), D(0)) == open_total
        # activity dated after the last probe changes nothing on or before it
        last = START + dt.timedelta(days=max(probes))
        before = [snapshot(manager, customers, START + dt.timedelta(days=day)) for day in probes]
        play(manager, customers, installments, later, after=last)
        assert [snapshot(manager, customers, START + dt.timedelta(days=day)) for day in probes] == before
        transaction.set_rollback(True)
