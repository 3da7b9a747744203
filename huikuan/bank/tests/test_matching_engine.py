"""The engine on its own: who paid and for what, with the confidence and reasons, from in-memory
customers, contracts and open installments."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huikuan.bank import names
from huikuan.bank.matching import (
    ABBREVIATION,
    Directory,
    Line,
    OpenBook,
    OpenItem,
    propose,
)

HUAXIN, HUAXIN_SH, ZHONGSHI, PARENT_A, PARENT_B = 1, 2, 3, 4, 5


def directory() -> Directory:
    d = Directory()
    d.add_customer(HUAXIN, "北京华信科技有限公司")
    d.add_customer(HUAXIN_SH, "上海华信科技有限公司")
    d.add_customer(ZHONGSHI, "中国石油化工股份有限公司")
    d.add_customer(PARENT_A, "苏州恒达精密制造有限公司")
    d.add_customer(PARENT_B, "无锡恒达电气有限公司")
    d.add_contract(11, "HT-2025-0011", HUAXIN)
    d.add_contract(12, "HT-2025-0012", HUAXIN)
    d.add_contract(31, "HT-2025-0031", ZHONGSHI)
    d.add_contract(41, "HT-2025-0041", PARENT_A)
    d.add_contract(51, "HT-2025-0051", PARENT_B)
    return d


def book() -> OpenBook:
    b = OpenBook()
    day = dt.date(2026, 1, 1)
    for customer, pk, contract, cents in [
        (HUAXIN, 101, 11, 100_000),
        (HUAXIN, 102, 11, 250_000),
        (HUAXIN, 103, 12, 70_000),
        (HUAXIN_SH, 201, 0, 100_000),
        (ZHONGSHI, 301, 31, 5_000_000),
        (ZHONGSHI, 302, 31, 5_000_000),
        (PARENT_A, 401, 41, 88_800),
        (PARENT_B, 501, 51, 66_600),
    ]:
        b.add(customer, OpenItem(pk, contract, "CNY", day + dt.timedelta(days=pk % 100), cents))
    return b


def line(payer: str, cents: int, memo: str = "", account: str = "") -> Line:
    return Line(amount_cents=cents, currency="CNY", payer_name=payer, payer_account=account, memo=memo)


def codes(proposal) -> list[str]:
    return [code for code, _params in proposal.reasons]


def test_full_name_and_the_oldest_installment_exactly_is_sure():
    [best] = propose(line("北京华信科技有限公司", 100_000), directory(), book())
    assert (best.customer_id, best.lines, best.confidence) == (HUAXIN, [(101, 100_000)], 97)
    assert codes(best) == ["name_exact", "amount_oldest"]


def test_name_written_differently_is_the_same_full_name():
    [best] = propose(line("北京华信科技 有限公司", 100_000), directory(), book())
    assert (best.customer_id, best.confidence) == (HUAXIN, 97)


def test_a_contract_number_in_the_memo_picks_that_contracts_installments():
    [best] = propose(line("北京华信科技有限公司", 70_000, memo="货款HT-2025-0012"), directory(), book())
    assert best.lines == [(103, 70_000)]
    assert best.confidence == 98
    assert ("contract_in_memo", {"numbers": ["HT-2025-0012"]}) in best.reasons


def test_a_contract_number_inside_a_longer_number_is_not_it():
    [best] = propose(line("北京华信科技有限公司", 70_000, memo="HT-2025-00123"), directory(), book())
    assert "contract_in_memo" not in codes(best)
    assert best.lines == [(103, 70_000)]  # by amount: the one installment of that amount


def test_the_oldest_installments_together():
    [best] = propose(line("北京华信科技有限公司", 350_000), directory(), book())
    assert best.lines == [(101, 100_000), (102, 250_000)]
    assert best.confidence == 92


def test_a_core_name_shared_by_two_customers_goes_to_review():
    proposals = propose(line("华信科技", 100_000), directory(), book())
    assert {p.customer_id for p in proposals} == {HUAXIN, HUAXIN_SH}
    assert all(p.confidence < 90 for p in proposals)


def test_an_abbreviation_is_proposed_not_applied():
    [best] = propose(line("中石化", 5_000_000), directory(), book())
    assert best.customer_id == ZHONGSHI
    assert best.confidence == ABBREVIATION
    assert best.lines == [(301, 5_000_000)]


def test_a_misspelt_name_is_proposed_below_the_threshold():
    [best] = propose(line("苏州恒达精密制遭有限公司", 88_800), directory(), book())
    assert best.customer_id == PARENT_A
    assert best.confidence < 90
    assert codes(best)[0] == "name_similar"


def test_a_parent_company_with_a_contract_number_is_its_subsidiarys_payment():
    [best] = propose(line("恒达控股集团有限公司", 66_600, memo="代付 HT-2025-0051"), directory(), book())
    assert (best.customer_id, best.lines, best.confidence) == (PARENT_B, [(501, 66_600)], 95)


def test_a_known_account_of_several_customers_is_told_apart_by_the_memo_only():
    d = directory()
    d.learn("account", names.account_key("6222 0000 1111 2222"), PARENT_A)
    d.learn("account", names.account_key("6222 0000 1111 2222"), PARENT_B)
    with_memo = propose(line("恒达集团", 88_800, "HT-2025-0041", account="6222000011112222"), d, book())
    assert (with_memo[0].customer_id, with_memo[0].confidence) == (PARENT_A, 95)
    without = propose(line("恒达集团", 88_800, account="6222000011112222"), d, book())
    assert without[0].customer_id == PARENT_A  # the amount tells them apart
    assert all(p.confidence < 90 for p in without)


def test_a_name_and_another_customers_contract_go_to_review():
    proposals = propose(line("上海华信科技有限公司", 5_000_000, memo="HT-2025-0031"), directory(), book())
    assert {p.customer_id for p in proposals} == {HUAXIN_SH, ZHONGSHI}
    assert all(p.confidence < 90 for p in proposals)


@pytest.mark.parametrize(
    ("cents", "reason"),
    [(40_000, "partial"), (10_000_000, "amount_subset"), (999_999_999, "overpaid"), (200_000, "oldest_first")],
)
def test_amounts_that_fit_no_installment_exactly_go_to_review(cents, reason):
    payer = "中国石油化工股份有限公司" if cents == 10_000_000 else "北京华信科技有限公司"
    [best] = propose(line(payer, cents), directory(), book())
    if reason == "amount_subset":  # two equal installments: the oldest two together, in fact
        assert codes(best)[-1] == "amount_oldest_sum"
        return
    assert codes(best)[-1] == reason
    assert best.confidence < 90


def test_nobody_in_sight_gives_no_proposal():
    assert propose(line("招商银行", 1_234, memo="利息收入"), directory(), book()) == []


def test_an_applied_proposal_takes_the_installment_out_of_the_book():
    b = book()
    [first] = propose(line("北京华信科技有限公司", 100_000), directory(), b)
    b.take(first.lines)
    [second] = propose(line("北京华信科技有限公司", 100_000), directory(), b)
    assert (101, 100_000) not in second.lines


@settings(max_examples=200, deadline=None)
@given(
    amounts=st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=15),
    paid=st.integers(min_value=1, max_value=2 * 10**9),
)
def test_a_proposal_never_takes_more_than_is_open_or_paid(amounts, paid):
    d = Directory()
    d.add_customer(1, "杭州明光电子科技有限公司")
    b = OpenBook()
    for pk, cents in enumerate(amounts, start=1):
        b.add(1, OpenItem(pk, 1, "CNY", dt.date(2026, 1, 1) + dt.timedelta(days=pk), cents))
    [best] = propose(line("杭州明光电子科技有限公司", paid), d, b)
    taken = dict(best.lines)
    assert len(taken) == len(best.lines)  # no installment twice
    assert all(0 < cents <= amounts[pk - 1] for pk, cents in taken.items())
    assert sum(taken.values()) <= paid
    if best.confidence >= 90:
        assert sum(taken.values()) == paid  # applied on its own only when it fits exactly


def test_names():
    assert names.core_key("上海华信科技有限公司") == names.core_key("华信科技(上海)有限公司") == "华信科技"
    assert names.full_key("Huaxin Tech Co., Ltd.") == names.full_key("HUAXIN TECH CO LTD")
    assert names.is_abbreviation("中石化", "中国石油化工股份")
    assert not names.is_abbreviation("石化", "中国石油化工股份")
    assert names.account_key(" 6222-0000 1111 ") == "622200001111"


def brute_subset(values, cents):
    import itertools

    for size in range(2, 5):
        found = [
            c for c in itertools.combinations(range(min(len(values), 12)), size) if sum(values[i] for i in c) == cents
        ]
        if len(found) > 1:
            return None
        if found:
            return list(found[0])
    return None


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.integers(min_value=1, max_value=50), min_size=0, max_size=14),
    cents=st.integers(min_value=1, max_value=200),
)
def test_the_sum_of_several_installments_is_found_as_trying_every_combination_would(values, cents):
    from huikuan.bank.matching import _exact_subset

    items = [OpenItem(pk, 1, "CNY", None, value) for pk, value in enumerate(values)]
    found = _exact_subset(items, cents)
    assert (None if found is None else [item.pk for item in found]) == brute_subset(values, cents)
