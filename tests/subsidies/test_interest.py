"""The equipment-renewal loan interest subsidy (鄂府发〔2024〕60号 一（四）, seed 003 line 10:
“对符合…(财金〔2024〕54号)经营主体的银行贷款本金,中央财政贴息从1个百分点提高到1.5个百分点,贴息期限2年”):
the arithmetic at the boundaries of the term, the due day and repayments, the figures as the seed writes them, and
the calculator over HTTP."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth.roles import Role
from yingji.core.errors import InvalidInput
from yingji.rules import subsidies as rules
from yingji.subsidies.schema import Interest, calculator, programmes

D = Decimal
SEED = "003#L10"


def scheme() -> rules.InterestScheme:
    programme, found = calculator("equipment-interest")
    assert isinstance(found, Interest)
    return found.scheme(programme.id)


def subsidy(principal: str, loan_on: date, due_on: date, *paid: tuple[date, str], eligible: bool = True) -> Any:
    return rules.interest_subsidy(
        scheme(),
        eligible=eligible,
        principal_yuan=D(principal),
        loan_on=loan_on,
        due_on=due_on,
        repayments=[rules.Repayment(on=on, amount_yuan=D(a)) for on, a in paid],
    )


def test_the_figures_are_the_seeds() -> None:
    p = programmes()["ordos-equipment-renewal-2024"]
    assert (p.doc_no, p.division_code, p.issued_on.isoformat()) == ("鄂府发〔2024〕60号", "150600", "2024-10-16")
    found = p.interest
    assert found is not None and (found.rate.percent, found.term.years) == (D("1.5"), 2)
    assert found.raised_from is not None and found.raised_from.percent == 1  # 从1个百分点提高到1.5个百分点
    assert {c.seed for c in (found.eligible, found.base, found.rate, found.term, found.no_cap)} == {SEED}
    assert "财金〔2024〕54号" in found.eligible.quote and "贴息期限2年" in found.term.quote


@pytest.mark.parametrize(
    ("loan_on", "due_on", "paid", "total"),
    [
        # the whole term: 1.5 % a year for exactly two loan years = 3 % of the principal
        (date(2025, 1, 1), date(2027, 1, 1), (), "30000.00"),
        (date(2024, 2, 29), date(2026, 2, 28), (), "30000.00"),  # a leap start: the loan years end on 28 February
        (date(2025, 1, 1), date(2027, 1, 2), (), "30000.00"),  # a day past the term earns nothing more
        (date(2025, 1, 1), date(2026, 12, 31), (), "29958.90"),  # a day short: 364/365 of the second year
        (date(2025, 1, 1), date(2026, 1, 1), (), "15000.00"),  # one loan year
        (date(2025, 1, 1), date(2025, 1, 2), (), "41.10"),  # one day: 1 000 000 × 1.5 % × 1/365
        (date(2023, 3, 1), date(2025, 3, 1), (), "30000.00"),  # the first loan year spans 29 February 2024: 366/366
        # half repaid on the first anniversary: the second year runs on 500 000
        (date(2025, 1, 1), date(2028, 1, 1), ((date(2026, 1, 1), "500000"),), "22500.00"),
        # repaid in full on the due day of a three-year loan: two years subsidised
        (date(2025, 1, 1), date(2028, 1, 1), ((date(2028, 1, 1), "1000000"),), "30000.00"),
        # repaid in full after half a year: nothing after
        (date(2025, 1, 1), date(2027, 1, 1), ((date(2025, 7, 2), "1000000"),), "7479.45"),
    ],
)
def test_the_subsidy_at_the_boundaries(loan_on: date, due_on: date, paid: tuple[Any, ...], total: str) -> None:
    decision = subsidy("1000000", loan_on, due_on, *paid)
    assert f"{decision.value.total_yuan:f}" == total
    assert sum(c.amount_yuan for c in decision.value.components) == decision.value.total_yuan
    assert {b.seed for b in decision.basis} == {SEED}
    assert any("贴息期限2年" in (b.quote or "") for b in decision.basis)


def test_beyond_the_term_is_shown_as_nothing_and_an_excluded_loan_gets_nothing() -> None:
    long = subsidy("1000000", date(2025, 1, 1), date(2030, 1, 1))
    beyond = long.value.components[-1]
    assert (beyond.key, beyond.amount_yuan, beyond.basis[0].quote) == ("beyond_term", D("0.00"), "贴息期限2年")
    out = subsidy("1000000", date(2025, 1, 1), date(2027, 1, 1), eligible=False)
    assert out.value.total_yuan == 0 and out.value.components[0].basis[0].quote.startswith("对符合《财政部")
    assert any("上限" in note for note in out.notes)  # the seed sets no cap: the answer says so


@pytest.mark.parametrize(
    ("principal", "due_on", "paid", "field"),
    [
        ("0", date(2027, 1, 1), (), "principal_yuan"),
        ("-1", date(2027, 1, 1), (), "principal_yuan"),
        ("100.001", date(2027, 1, 1), (), "principal_yuan"),
        ("1000", date(2025, 1, 1), (), "due_on"),  # due on the loan day
        ("1000", date(2027, 1, 1), ((date(2025, 1, 1), "10"),), "repayments.0.on"),  # on the loan day
        ("1000", date(2027, 1, 1), ((date(2027, 1, 2), "10"),), "repayments.0.on"),  # after the due day
        ("1000", date(2027, 1, 1), ((date(2026, 1, 1), "0"),), "repayments.0.amount_yuan"),
        ("1000", date(2027, 1, 1), ((date(2025, 6, 1), "600"), (date(2026, 1, 1), "600")), "repayments"),
    ],
)
def test_bad_loans_are_refused_naming_the_field(
    principal: str, due_on: date, paid: tuple[Any, ...], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        subsidy(principal, date(2025, 1, 1), due_on, *paid)
    assert refused.value.field == field


@pytest.mark.db
def test_the_calculator_over_http(client: TestClient, db_session: Session, divisions: int) -> None:
    client.headers.update(factories.bearer(db_session, "ordos_finance", Role.CITY_OFFICER, "150600"))
    listed = {r["id"]: r for r in client.get("/api/subsidies").json()["items"]}["equipment-interest"]
    shown = {p["name"]: (p["value"], p["seed"]) for p in listed["parameters"]}
    assert shown["贴息比例（按年）"] == ("1.5", SEED) and shown["贴息期限"] == (2, SEED)
    assert shown["贴息上限"] == (None, SEED) and listed["programme"]["doc_no"] == "鄂府发〔2024〕60号"
    body = {
        "eligible": True,
        "principal_yuan": "2000000",
        "loan_on": "2025-01-01",
        "due_on": "2028-01-01",
        "repayments": [{"on": "2026-01-01", "amount_yuan": 500000}],
    }
    answer = client.post("/api/subsidies/equipment-interest", json=body).json()
    assert answer["total_yuan"] == "52500.00"  # 2 000 000 × 1.5 % + 1 500 000 × 1.5 %, the third year not
    assert [c["amount_yuan"] for c in answer["components"]] == ["30000.00", "22500.00", "0.00"]
    refused = client.post("/api/subsidies/equipment-interest", json={**body, "eligible": None})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "eligible"
    late = client.post("/api/subsidies/equipment-interest", json={**body, "due_on": "2024-12-31"}).json()["error"]
    assert (late["code"], late["field"]) == ("invalid_input", "due_on")
    page = client.get("/console/subsidies")
    assert page.status_code == 200 and 'id="calc-equipment-interest"' in page.text and "财金〔2024〕54号" in page.text
