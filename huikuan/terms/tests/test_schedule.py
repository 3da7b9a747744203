"""Schedules: amounts that sum exactly (DOMAIN.md rules 1 and 2) and due dates from each rule."""

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from huikuan.core.errors import DomainError
from huikuan.terms.choices import AmountKind, DueRule, MilestoneKind, Period
from huikuan.terms.schedule import LineSpec, add_months, build_schedule, validate_lines

SIGNED = dt.date(2025, 1, 31)


def pct(value, rule=DueRule.AFTER_BASE, **kwargs):
    return LineSpec(amount_kind=AmountKind.PERCENT, percent=D(value), due_rule=rule, **kwargs)


def rest(rule=DueRule.AFTER_BASE, **kwargs):
    return LineSpec(amount_kind=AmountKind.REMAINDER, due_rule=rule, **kwargs)


def fixed(value, rule=DueRule.AFTER_BASE, **kwargs):
    return LineSpec(amount_kind=AmountKind.FIXED, fixed_amount=D(value), due_rule=rule, **kwargs)


def amounts(planned):
    return [p.amount for p in planned]


def test_thirds_put_the_rounding_remainder_on_the_last_installment():
    # when
    planned = build_schedule(
        [pct("33.3333"), pct("33.3333", days=30), pct("33.3334", days=60)],
        total=D("1000.01"),
        currency="CNY",
        base_date=SIGNED,
    )
    # then: 333.336 rounds half-up to 333.34 twice; the last takes the rest
    assert amounts(planned) == [D("333.34"), D("333.34"), D("333.33")]


def test_half_up_rounding_of_a_half_fen():
    # 12.5% of 0.20 is 0.025: half-up gives 0.03, not banker's 0.02
    planned = build_schedule([pct("12.5"), rest()], total=D("0.20"), currency="CNY", base_date=SIGNED)
    assert amounts(planned) == [D("0.03"), D("0.17")]


def test_whole_yuan_rounding_puts_the_cents_on_the_last_installment():
    # given: users dislike 10,000.20 + 9,999.90 style splits
    lines = [pct("30"), pct("60"), pct("10")]
    # when
    planned = build_schedule(lines, total=D("33333.33"), currency="CNY", base_date=SIGNED, whole_units=True)
    # then
    assert amounts(planned) == [D("10000"), D("20000"), D("3333.33")]
    assert sum(amounts(planned)) == D("33333.33")


def test_remainder_line_takes_what_fixed_and_percent_lines_leave():
    planned = build_schedule(
        [fixed("5000.00"), pct("50"), rest()], total=D("20000.00"), currency="CNY", base_date=SIGNED
    )
    assert amounts(planned) == [D("5000.00"), D("10000.00"), D("5000.00")]


def test_recurring_line_splits_into_periods_with_remainder_on_the_last():
    # when: 100% every quarter for 3 quarters, first due 10 days after signing
    planned = build_schedule(
        [pct("100", DueRule.RECURRING, periods=3, period=Period.QUARTER, days=10, label="服务费")],
        total=D("1000.00"),
        currency="CNY",
        base_date=dt.date(2025, 1, 21),
    )
    # then
    assert amounts(planned) == [D("333.33"), D("333.33"), D("333.34")]
    assert [p.due_date for p in planned] == [dt.date(2025, 1, 31), dt.date(2025, 4, 30), dt.date(2025, 7, 31)]
    assert [p.label for p in planned] == ["服务费 1/3", "服务费 2/3", "服务费 3/3"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (pct("100", DueRule.AFTER_BASE, days=30), dt.date(2025, 3, 2)),
        (pct("100", DueRule.FIXED_DATE, fixed_date=dt.date(2025, 6, 30)), dt.date(2025, 6, 30)),
        # 月结30天: 30 days after the end of the month of signing
        (pct("100", DueRule.END_OF_MONTH, days=30), dt.date(2025, 3, 2)),
        (pct("100", DueRule.END_OF_MONTH, days=0), dt.date(2025, 1, 31)),
        # 次月15日: the 15th of the next month
        (pct("100", DueRule.DAY_OF_MONTH, day_of_month=15), dt.date(2025, 2, 15)),
        # day 31 of February is clamped to its last day
        (pct("100", DueRule.DAY_OF_MONTH, day_of_month=31), dt.date(2025, 2, 28)),
        (pct("100", DueRule.DAY_OF_MONTH, day_of_month=10, months=2), dt.date(2025, 3, 10)),
        (pct("100", DueRule.AFTER_MILESTONE, milestone=MilestoneKind.ACCEPTANCE, days=30), None),
    ],
)
def test_due_date_rules(line, expected):
    planned = build_schedule([line], total=D("100.00"), currency="CNY", base_date=SIGNED)
    assert planned[0].due_date == expected


def test_milestone_line_keeps_its_offsets_and_retention_flag():
    line = pct("100", DueRule.AFTER_MILESTONE, milestone=MilestoneKind.ACCEPTANCE, months=12, days=5, is_retention=True)
    [planned] = build_schedule([line], total=D("100.00"), currency="CNY", base_date=SIGNED)
    assert (planned.milestone, planned.offset_months, planned.offset_days, planned.is_retention) == (
        MilestoneKind.ACCEPTANCE,
        12,
        5,
        True,
    )


def test_add_months_clamps_to_the_end_of_shorter_months():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)


def test_yen_amounts_round_to_whole_yen():
    planned = build_schedule([pct("33.3333"), pct("66.6667")], total=D("1000"), currency="JPY", base_date=SIGNED)
    assert amounts(planned) == [D("333"), D("667")]


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([], "terms_empty"),
        ([pct("60"), pct("50")], "terms_percent_over_100"),
        ([pct("30"), pct("60")], "terms_remainder_needed"),
        ([pct("50"), rest(), rest()], "terms_two_remainders"),
        ([pct("0"), rest()], "terms_bad_percent"),
        ([pct("-10"), rest()], "terms_bad_percent"),
        ([pct("10.00001"), rest()], "terms_bad_percent"),
        ([pct("100"), rest()], "terms_remainder_empty"),
        ([fixed("-5"), rest()], "terms_bad_fixed_amount"),
        ([fixed("5.001"), rest()], "amount_too_precise"),
        ([pct("100", days=-1)], "terms_negative_days"),
        ([pct("100", DueRule.FIXED_DATE)], "terms_date_needed"),
        ([pct("100", DueRule.DAY_OF_MONTH, day_of_month=32)], "terms_day_needed"),
        ([pct("100", DueRule.AFTER_MILESTONE)], "terms_milestone_needed"),
        ([pct("100", DueRule.RECURRING, periods=3)], "terms_period_needed"),
        ([pct("100", DueRule.RECURRING, periods=0, period=Period.MONTH)], "terms_bad_periods"),
        ([pct("100", "someday")], "terms_bad_due_rule"),
    ],
)
def test_invalid_templates_are_refused_with_a_code(lines, code):
    with pytest.raises(DomainError) as error:
        validate_lines(lines, currency="CNY")
    assert error.value.code == code


def test_the_error_names_the_offending_line_field():
    with pytest.raises(DomainError) as error:
        validate_lines([pct("50"), pct("50", days=-3)], currency="CNY")
    assert error.value.field == "lines[1].days"


def test_fixed_amounts_beyond_the_total_are_refused():
    with pytest.raises(DomainError) as error:
        build_schedule([fixed("600.00"), rest()], total=D("500.00"), currency="CNY", base_date=SIGNED)
    assert error.value.code == "terms_do_not_fit_amount"


def test_fixed_lines_without_remainder_must_make_the_total():
    with pytest.raises(DomainError) as error:
        build_schedule([fixed("100.00"), pct("50")], total=D("500.00"), currency="CNY", base_date=SIGNED)
    assert error.value.code == "terms_do_not_fit_amount"


def test_an_amount_too_small_for_the_plan_is_refused():
    with pytest.raises(DomainError) as error:
        build_schedule(
            [pct("100", DueRule.RECURRING, periods=12, period=Period.MONTH)],
            total=D("0.05"),
            currency="CNY",
            base_date=SIGNED,
        )
    assert error.value.code == "amount_too_small_to_split"


amounts_st = st.decimals(min_value=D("0.01"), max_value=D("9999999999.99"), places=2)
percents_st = st.lists(st.decimals(min_value=D("0.0001"), max_value=D("100"), places=4), min_size=1, max_size=8)


@given(total=amounts_st, percents=percents_st, whole=st.booleans(), with_remainder=st.booleans())
def test_any_plan_sums_exactly_to_the_total(total, percents, whole, with_remainder):
    # given: percentages scaled to at most 100, the last one closing to 100 unless a remainder line exists
    assume(sum(percents) <= 100)
    lines = [pct(p, days=index) for index, p in enumerate(percents)]  # distinct lines: no repeats
    if with_remainder:
        assume(sum(percents) < 100)
        lines.append(rest())
    elif sum(percents) < 100:
        lines.append(pct(D(100) - sum(percents), days=len(percents)))
    # when
    try:
        planned = build_schedule(lines, total=total, currency="CNY", base_date=SIGNED, whole_units=whole)
    except DomainError as error:
        # then: the only refusal is an amount too small to give every installment something
        assert error.code == "amount_too_small_to_split"
        return
    # then
    assert sum(amounts(planned)) == total
    assert all(a > 0 and a == a.quantize(D("0.01")) for a in amounts(planned))
    if whole:
        assert all(a == a.to_integral_value() for a in amounts(planned)[:-1])


@given(total=amounts_st, periods=st.integers(min_value=1, max_value=60), share=st.decimals("1", "99", places=2))
def test_recurring_plans_sum_exactly(total, periods, share):
    lines = [pct(share), pct(D(100) - share, DueRule.RECURRING, periods=periods, period=Period.MONTH)]
    try:
        planned = build_schedule(lines, total=total, currency="CNY", base_date=SIGNED)
    except DomainError as error:
        assert error.code == "amount_too_small_to_split"
        return
    assert len(planned) == periods + 1
    assert sum(amounts(planned)) == total
