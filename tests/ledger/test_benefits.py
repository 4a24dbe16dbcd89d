"""Who enjoys which of 杭锦旗's preferential treatments for fire-rescue personnel (杭政办发〔2024〕32号,
seed 004#L29-L99): the rows' quotes are the seed's, a table of people against the rows (each case naming the lines
that decide it), and the check over HTTP and on the 督办 page, where the benefits campaign is shown — with 403, 404
and 422 as elsewhere."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from tests.support.seeds import assert_quoted
from yingji.auth.roles import Role
from yingji.core.errors import InvalidInput
from yingji.ledger import benefits
from yingji.ledger.schema import BenefitRules, campaigns
from yingji.rules import fire_rescue as rules
from yingji.rules.fire_rescue import Death, Outcome, Person, Status, Team

FIRE = "hangjin-fire-rescue-benefits-2024"


def _rules() -> BenefitRules:
    found = campaigns()[FIRE].benefits
    assert found is not None
    return found


RULES = _rules()
SUBJECTS = benefits.subjects(RULES)
E, C, N, X, U = Outcome.ELIGIBLE, Outcome.CONDITIONAL, Outcome.NOT_ELIGIBLE, Outcome.NOT_COVERED, Outcome.UNSTATED
EVERY = [r.code for r in RULES.rows]
LIVING = [c for c in EVERY if c != "honour_plaque_bereaved"]


def test_the_rows_quote_the_notice() -> None:
    cited = [RULES.subjects, RULES.fallback, *RULES.rows]
    for row in cited:
        assert_quoted(row.seed, row.quote)
    assert RULES.subjects.seed == "004#L31-L35" and RULES.fallback.seed == "004#L101-L103"
    assert {r.measure for r in RULES.rows} == {f"2.{n}" for n in range(1, 8)}  # every one of the seven measures
    figures = {r.code: (r.years, r.companions) for r in RULES.rows if r.years or r.companions}
    assert figures == {
        "coach_companions": (None, 2),  # 原则上不超过2人 (L40-L44)
        "honour_plaque": (2, None),  # 工作满两年以上 (L87)
        "medal_bronze": (5, None),  # 入职满5年、10年、15年…铜质、银质、金质 (L89-L93)
        "medal_silver": (10, None),
        "medal_gold": (15, None),
    }


def person(**changes: Any) -> Person:
    base: dict[str, Any] = {"team": Team.NATIONAL, "status": Status.SERVING, "in_banner": True}
    return Person(**{**base, **changes})


def outcomes(who: Person) -> dict[str, Outcome]:
    return {f.code: f.outcome for f in rules.check(SUBJECTS, RULES.rows, who).findings}


CASES: list[tuple[str, Person, Outcome, dict[str, Outcome]]] = [
    (  # L31-L35 serving; L85-L89 plaque: Hangjin 户籍 and 满两年 (2 itself counts); L89-L93 bronze at 5, not silver
        "serving firefighter, Hangjin-registered, 6 years",
        person(hukou_in_banner=True, service_years=Decimal(6)),
        E,
        {
            "coach_priority": E,
            "education": E,
            "medical": E,
            "housing": C,  # 符合条件的 (L68-L70)
            "family_unemployed": C,  # 符合条件的未就业…家属 (L80-L82)
            "honour_plaque": E,
            "honour_plaque_bereaved": N,
            "medal_bronze": E,
            "medal_silver": N,
            "medal_gold": N,
            "visits": E,
            "scenic": E,
        },
    ),
    (  # L85-L89: 满两年以上 includes two years to the day; L89-L93: nothing before five
        "government full-time, exactly 2 years",
        person(team=Team.GOVERNMENT, hukou_in_banner=True, service_years=Decimal(2)),
        E,
        {"honour_plaque": E, "medal_bronze": N},
    ),
    (  # L85-L89: a day short of two years, or registered elsewhere, gets no plaque
        "serving, 1.9 years",
        person(hukou_in_banner=True, service_years=Decimal("1.9")),
        E,
        {"honour_plaque": N, "coach_priority": E},
    ),
    (
        "registered outside Hangjin, 12 years",
        person(service_years=Decimal(12)),
        E,
        {"honour_plaque": N, "medal_silver": E},
    ),
    (  # L89-L93: 10 → silver (and bronze), 15 → gold
        "retired, 15 years",
        person(status=Status.RETIRED, hukou_in_banner=True, service_years=Decimal(15)),
        E,
        {"medal_bronze": E, "medal_silver": E, "medal_gold": E, "bus": E},
    ),
    ("disabled, 9.9 years", person(status=Status.DISABLED, service_years=Decimal("9.9")), E, {"medal_silver": N}),
    (  # L31-L33: （含消防文员） under 在职 only
        "serving clerk",
        person(clerk=True, hukou_in_banner=True, service_years=Decimal(3)),
        E,
        {"coach_priority": E, "honour_plaque": E},
    ),
    (  # L31-L35 names clerks among the serving only: a retired clerk goes to L101 (自治区和市级有关规定)
        "retired clerk",
        person(status=Status.RETIRED, clerk=True, service_years=Decimal(20)),
        U,
        dict.fromkeys(LIVING, U),
    ),
    (  # L31: 全旗国家综合性消防救援队伍、政府专职消防队伍 — an enterprise or volunteer brigade is not named
        "enterprise full-time brigade",
        person(team=Team.ENTERPRISE, service_years=Decimal(8)),
        X,
        dict.fromkeys(EVERY, X),
    ),
    ("volunteer brigade", person(team=Team.VOLUNTEER), X, dict.fromkeys(EVERY, X)),
    ("another banner's team", person(in_banner=False, hukou_in_banner=True), X, {"coach_priority": X}),
    (  # L87-L89: 消防烈士遗属、因公牺牲遗属、病故遗属家庭 get the plaque; the rest is left to L101
        "martyr's family",
        person(status=Status.DECEASED, death=Death.MARTYR, service_years=Decimal(1)),
        X,
        {"honour_plaque_bereaved": E, "honour_plaque": U, "family": U, "medal_bronze": U},
    ),
    ("died on duty", person(status=Status.DECEASED, death=Death.ON_DUTY), X, {"honour_plaque_bereaved": E}),
    ("died of illness", person(status=Status.DECEASED, death=Death.ILLNESS), X, {"honour_plaque_bereaved": E}),
    ("died otherwise", person(status=Status.DECEASED, death=Death.OTHER), X, {"honour_plaque_bereaved": N}),
]


@pytest.mark.parametrize(("who", "coverage", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_who_enjoys_what(who: Person, coverage: Outcome, expected: dict[str, Outcome]) -> None:
    answer = rules.check(SUBJECTS, RULES.rows, who)
    assert answer.coverage is coverage and answer.reason
    found = outcomes(who)
    assert {code: found[code] for code in expected} == expected


def test_companions_beyond_two_in_principle() -> None:
    """随同出行的家属（原则上不超过2人，不需要出具…关系证明） (L40-L44)."""
    answer = rules.check(SUBJECTS, RULES.rows, person(companions=3))
    row = next(f for f in answer.findings if f.code == "coach_companions")
    assert row.outcome is E and row.detail is not None and "不超过2人" in row.detail and row.seed == "004#L39-L46"


@pytest.mark.parametrize(
    "who", [person(death=Death.MARTYR), person(status=Status.DECEASED)], ids=["living with a death", "dead without"]
)
def test_how_a_member_died_belongs_to_the_dead_only(who: Person) -> None:
    with pytest.raises(InvalidInput) as refused:
        rules.check(SUBJECTS, RULES.rows, who)
    assert refused.value.field == "death"


@pytest.mark.db
def test_the_check_over_http_and_on_the_ledger_page(client: TestClient, db_session: Session, divisions: int) -> None:
    hangjin = factories.bearer(db_session, "hangjin_fire", Role.COUNTY_OFFICER, "150625")
    path = f"/api/ledger/benefits/{FIRE}"
    body = {"team": "national", "status": "serving", "hukou_in_banner": True, "service_years": 10, "companions": 2}
    answer = client.post(f"{path}/check", json=body, headers=hangjin).json()
    assert answer["coverage"] == "eligible" and answer["subjects_basis"]["seed"] == "004#L31-L35"
    rows = {f["code"]: f for f in answer["findings"]}
    assert rows["medal_silver"]["outcome"] == "eligible" and rows["medal_gold"]["outcome_label"] == "不享受"
    assert rows["honour_plaque"]["basis"][0]["quote"] == "为户籍所在地为杭锦旗工作满两年以上消防救援人员"
    assert rows["coach_priority"]["measure_title"] == "优先出行优待"
    clerk = client.post(f"{path}/check", json={**body, "status": "retired", "clerk": True}, headers=hangjin).json()
    assert clerk["coverage"] == "unstated"
    assert clerk["findings"][0]["basis"][-1]["seed"] == "004#L101-L103"  # the row cites L101 beside its own line
    listed = client.get(path, headers=hangjin).json()
    assert len(listed["rows"]) == 17 and listed["teams"] == ["国家综合性消防救援队伍", "政府专职消防队伍"]
    # 422 naming the field; 403 for an enterprise account; 404 where the caller's area does not reach
    for bad, field in (({**body, "death": "martyr"}, "death"), ({**body, "service_years": -1}, "service_years")):
        refused = client.post(f"{path}/check", json=bad, headers=hangjin)
        assert refused.status_code == 422 and refused.json()["error"]["field"] == field
    firm = factories.enterprise(db_session, "杭锦测试化工有限公司", "150625")
    factories.user(db_session, "hangjin_firm", Role.ENTERPRISE_REPORTER, organisation_id=firm.id)
    firm_headers = {"Authorization": f"Bearer {factories.token_for(db_session, 'hangjin_firm')}"}
    refused = client.post(f"{path}/check", json=body, headers=firm_headers).json()["error"]
    assert (refused["code"], refused["subcode"]) == ("forbidden", "ledger.benefits.not_officer")
    baotou = factories.bearer(db_session, "baotou_fire", Role.CITY_OFFICER, "150200")
    assert client.post(f"{path}/check", json=body, headers=baotou).status_code == 404
    assert client.post("/api/ledger/benefits/hangjin-2024-2026/check", json=body, headers=hangjin).status_code == 404
    page = client.get("/console/ledger", params={"programme": FIRE}, headers=hangjin).text
    assert f'data-benefits="{path}/check"' in page and "国家综合性消防救援队伍" in page
    assert "消防救援人员优待资格核对" not in client.get("/console/ledger", headers=baotou).text
    other = client.get("/console/ledger", params={"programme": "hangjin-2024-2026"}, headers=hangjin).text
    assert "优待资格核对" not in other  # beside the benefits campaign, not another programme's tasks
