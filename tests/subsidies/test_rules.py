"""The calculators' arithmetic (rules/subsidies.py) on the programme data: the seeds' figures at and around every
threshold and cap, each case naming the seed line its answer must cite, and properties over all amounts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.core.errors import InvalidInput
from yingji.rules import subsidies as rules
from yingji.rules.basis import Decision
from yingji.rules.subsidies import LicenceKind
from yingji.subsidies.schema import Renewal, Share, Timing, calculator

D = Decimal


def share(calculator_id: str) -> rules.ShareScheme:
    programme, found = calculator(calculator_id)
    assert isinstance(found, Share)
    return found.scheme(programme.id)


def timing() -> rules.PaymentTiming:
    programme, found = calculator("tech-payment")
    assert isinstance(found, Timing)
    return found.scheme(programme.id)


def renewal() -> rules.RenewalScheme:
    programme, found = calculator("pingfang")
    assert isinstance(found, Renewal)
    return found.scheme(programme.id)


def seeds(decision: Decision[rules.Calculation]) -> set[str | None]:
    return {b.seed for b in decision.basis}


def adds_up(decision: Decision[rules.Calculation]) -> bool:
    c = decision.value
    return sum((p.amount_yuan for p in c.components), D(0)) == c.total_yuan and all(
        p.amount_yuan == p.amount_yuan.quantize(rules.FEN) for p in c.components
    )


SHARES = [  # 包科发〔2025〕61号 四; “不低于3万元” includes 30 000 (000#L2248, 000#L2256)
    pytest.param("tech-licence", "30000", "3000.00", "000#L2248", id="000#L2248 licence 3万 → 3000"),
    pytest.param("tech-licence", "29999.99", "0.00", "000#L2248", id="000#L2248 licence 29999.99 below the floor"),
    pytest.param("tech-licence", "50000", "5000.00", "000#L2248", id="000#L2248 licence 5万 → 10%"),
    pytest.param("tech-licence", "30000.05", "3000.01", "000#L2248", id="000#L2248 licence 3000.005 rounds half up"),
    pytest.param("tech-licence", "100000", "10000.00", "000#L2248", id="000#L2248 licence 10万 reaches the 1万 cap"),
    pytest.param("tech-licence", "100001", "10000.00", "000#L2248", id="000#L2248 licence 100001 capped at 1万"),
    pytest.param("tech-acceptance", "29999.99", "0.00", "000#L2256", id="000#L2256 acceptance below 3万"),
    pytest.param("tech-acceptance", "30000", "3000.00", "000#L2256", id="000#L2256 acceptance 3万 → 3000"),
    pytest.param("tech-acceptance", "150000", "15000.00", "000#L2256", id="000#L2256 acceptance 15万 → 10%"),
    pytest.param("tech-acceptance", "200000", "20000.00", "000#L2256", id="000#L2256 acceptance 20万 reaches 2万"),
    pytest.param("tech-acceptance", "200001", "20000.00", "000#L2256", id="000#L2256 acceptance 200001 capped"),
    pytest.param("tech-insurance", "0", "0.00", "000#L2262", id="000#L2262 insurance nothing paid"),
    pytest.param("tech-insurance", "2999.99", "2999.99", "000#L2262", id="000#L2262 insurance below 3000 at 100%"),
    pytest.param("tech-insurance", "3000", "3000.00", "000#L2262", id="000#L2262 insurance 3000(含) at 100%"),
    pytest.param("tech-insurance", "3000.01", "3000.01", "000#L2262", id="000#L2262 insurance 0.008 rounds up"),
    pytest.param("tech-insurance", "4000", "3800.00", "000#L2262", id="000#L2262 insurance 3000 + 80% of 1000"),
    pytest.param("tech-insurance", "5500", "5000.00", "000#L2262", id="000#L2262 insurance 5500 where the cap binds"),
    pytest.param("tech-insurance", "5500.01", "5000.00", "000#L2262", id="000#L2262 insurance 5500.01 capped"),
    pytest.param("tech-insurance", "20000", "5000.00", "000#L2262", id="000#L2262 insurance 2万 capped at 5000"),
]


@pytest.mark.parametrize(("calculator_id", "amount", "expected", "seed"), SHARES)
def test_share_subsidies(calculator_id: str, amount: str, expected: str, seed: str) -> None:
    decision = rules.share_subsidy(share(calculator_id), D(amount))
    assert decision.value.total_yuan == D(expected)
    assert f"{decision.value.total_yuan:f}" == expected  # always to the fen
    assert seed in seeds(decision) and adds_up(decision)


def test_the_cap_is_a_component_only_when_it_binds() -> None:
    at_cap = rules.share_subsidy(share("tech-insurance"), D(5500)).value
    assert [p.key for p in at_cap.components] == ["band.1", "band.2"]
    over = rules.share_subsidy(share("tech-insurance"), D(6000)).value
    assert [(p.key, p.amount_yuan) for p in over.components] == [
        ("band.1", D("3000.00")),
        ("band.2", D("2400.00")),
        ("cap", D("-400.00")),
    ]
    assert over.formula == "补贴 = min(min(担保或保险费用, 3000) × 100% + max(担保或保险费用 − 3000, 0) × 80%, 5000) 元"
    below = rules.share_subsidy(share("tech-licence"), D("29999.99")).value
    assert [p.key for p in below.components] == ["below_minimum"]


def test_a_contract_is_subsidised_per_result() -> None:
    results = [
        rules.LicensedResult(amount_yuan=D(120000), name="稀土抛光粉"),
        rules.LicensedResult(amount_yuan=D("29999.99")),
        rules.LicensedResult(amount_yuan=D(50000), kind=LicenceKind.ORDINARY, is_first_licence=False),
        rules.LicensedResult(amount_yuan=D(40000), kind=LicenceKind.EXCLUSIVE, is_first_licence=False),
    ]
    decision = rules.licence_subsidy(share("tech-licence"), results)
    assert decision.value.total_yuan == D("14000.00")  # 10000 (capped) + 0 (below 3万) + 0 (repeat) + 4000
    keys = [(p.key, p.amount_yuan) for p in decision.value.components]
    assert ("results.2.not_first", D("0.00")) in keys and ("results.3.band.1", D("4000.00")) in keys
    assert "000#L2248-L2250" in seeds(decision) and adds_up(decision)
    assert next(iter(decision.value.inputs)) == "成果1（稀土抛光粉）"


@pytest.mark.parametrize(
    ("results", "field"),
    [
        ([], "results"),
        ([rules.LicensedResult(amount_yuan=D(1))] * 101, "results"),
        (
            [rules.LicensedResult(amount_yuan=D(40000)), rules.LicensedResult(amount_yuan=D(-1))],
            "results.1.amount_yuan",
        ),
    ],
    ids=["no result", "101 results", "negative second result"],
)
def test_bad_contracts_are_refused(results: list[rules.LicensedResult], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        rules.licence_subsidy(share("tech-licence"), results)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("amount", "problem"),
    [
        (D(-1), "不能为负数"),
        (D("10000000000.01"), "超出合理范围"),
        (D("30000.001"), "两位小数"),
        (D("NaN"), "应为数字"),
        (D("Infinity"), "应为数字"),
        (D("1e999999999999"), "超出合理范围"),
        (D("1e-999999999999"), "两位小数"),
    ],
    ids=["negative", "absurd", "finer than a fen", "NaN", "infinite", "huge exponent", "tiny exponent"],
)
def test_bad_amounts_are_refused_naming_the_field(amount: Decimal, problem: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        rules.share_subsidy(share("tech-acceptance"), amount, field="contract_amount_yuan")
    assert refused.value.field == "contract_amount_yuan" and problem in refused.value.render()


@pytest.mark.parametrize("raw", ["abc", "", True, None, [1], "nan", "-inf"], ids=repr)
def test_parse_number_refuses_what_is_not_a_number(raw: object) -> None:
    with pytest.raises(ValueError, match="应为"):
        rules.parse_number(raw)


def test_parse_number_reads_json_numbers_exactly() -> None:
    assert rules.parse_number(29999.99) == D("29999.99") and rules.parse_number(" 5500 ") == D(5500)


# ---- properties ---------------------------------------------------------------------------------------------------

money = st.integers(min_value=0, max_value=10**9).map(lambda fen: D(fen).scaleb(-2))


@given(calculator_id=st.sampled_from(["tech-licence", "tech-acceptance", "tech-insurance"]), a=money, b=money)
def test_shares_are_monotone_capped_and_never_negative(calculator_id: str, a: Decimal, b: Decimal) -> None:
    scheme = share(calculator_id)
    low, high = sorted((a, b))
    first, second = rules.share_subsidy(scheme, low), rules.share_subsidy(scheme, high)
    assert D(0) <= first.value.total_yuan <= second.value.total_yuan <= scheme.cap_yuan.value
    assert adds_up(first) and adds_up(second) and first.basis


@given(amounts=st.lists(money, min_size=1, max_size=5))
def test_a_contract_gets_at_most_the_cap_per_result(amounts: list[Decimal]) -> None:
    scheme = share("tech-licence")
    decision = rules.licence_subsidy(scheme, [rules.LicensedResult(amount_yuan=a) for a in amounts])
    assert D(0) <= decision.value.total_yuan <= scheme.cap_yuan.value * len(amounts) and adds_up(decision)


# ---- the licence-fee payment day (000#L2220-L2222) ----------------------------------------------------------------

TIMING = [
    pytest.param(date(2025, 9, 5), None, date(2026, 9, 6), id="000#L2220-L2222 one year, from the next day"),
    pytest.param(date(2024, 2, 29), None, date(2025, 3, 1), id="000#L2220-L2222 29 Feb: the year ends 28 Feb"),
    pytest.param(date(2025, 9, 5), date(2026, 1, 10), date(2026, 1, 11), id="000#L2220-L2222 revenue comes first"),
    pytest.param(date(2025, 9, 5), date(2026, 12, 1), date(2026, 9, 6), id="000#L2220-L2222 the year comes first"),
    pytest.param(date(2025, 9, 5), date(2025, 9, 5), date(2025, 9, 6), id="000#L2220-L2222 revenue on day one"),
]


@pytest.mark.parametrize(("effective_on", "revenue_on", "expected"), TIMING)
def test_earliest_payment(effective_on: date, revenue_on: date | None, expected: date) -> None:
    decision = rules.earliest_payment(timing(), effective_on=effective_on, revenue_on=revenue_on)
    assert decision.value.earliest_on == expected and decision.value.may_pay is None
    assert "000#L2220-L2222" in {b.seed for b in decision.basis}
    assert any(b.source and "民法典" in b.source for b in decision.basis)
    assert (revenue_on is None) == any("提前" in n for n in decision.notes)


def test_a_proposed_day_is_checked() -> None:
    early = rules.earliest_payment(timing(), effective_on=date(2025, 9, 5), proposed_on=date(2026, 9, 5))
    assert early.value.may_pay is False
    on_time = rules.earliest_payment(timing(), effective_on=date(2025, 9, 5), proposed_on=date(2026, 9, 6))
    assert on_time.value.may_pay is True


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"effective_on": date(2025, 9, 5), "revenue_on": date(2025, 9, 4)}, "revenue_on"),
        ({"effective_on": date(1999, 12, 31)}, "effective_on"),
        ({"effective_on": date(2025, 9, 5), "proposed_on": date(2101, 1, 1)}, "proposed_on"),
    ],
    ids=["revenue before the contract", "absurd contract year", "absurd proposed year"],
)
def test_bad_dates_are_refused(kwargs: dict[str, date], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        rules.earliest_payment(timing(), **kwargs)
    assert refused.value.field == field


@given(
    effective=st.dates(date(2000, 1, 1), date(2098, 12, 31)),
    a=st.integers(0, 800),
    b=st.integers(0, 800),
)
def test_revenue_later_never_makes_payment_earlier(effective: date, a: int, b: int) -> None:
    first, later = sorted((a, b))
    x = rules.earliest_payment(timing(), effective_on=effective, revenue_on=effective + timedelta(days=first))
    y = rules.earliest_payment(timing(), effective_on=effective, revenue_on=effective + timedelta(days=later))
    assert effective < x.value.earliest_on <= y.value.earliest_on <= rules.add_years(effective, 1) + timedelta(days=1)
