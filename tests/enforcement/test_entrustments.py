"""行政执法主体 and 委托执法 (issue 26 item 4; 003#L14, 鄂府发〔2024〕62号): the 40 bodies the city published (37
statutory, 3 authorised by law), and an entrustment by one of them filed with the justice bureau
“于委托书签订之日起10日内”."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from yingji.audit.models import AuditEntry
from yingji.auth.roles import Role
from yingji.enforcement import bodies
from yingji.rules.enforcement import entrustment_status

SEED_LINE = next((Path(__file__).parents[2].parent / "shared" / "seeds").glob("003_*.txt")).read_text().splitlines()[13]
ENTRUSTMENT = {
    "division_code": "150600",
    "entrusting_body": "鄂尔多斯市人民防空办公室",  # a 挂牌 name of 市发展和改革委员会
    "entrusted_party": "鄂尔多斯市人防工程质量监督站",
    "powers": "人防工程建设的行政检查",
    "signed_on": "2026-11-01",
}


def test_the_register_is_the_notices_forty_bodies_each_quoted_from_line_14() -> None:
    register = bodies.for_division("150600")
    assert register is not None and register.doc_no == "鄂府发〔2024〕62号" and register.issued_on == date(2024, 11, 5)
    kinds = [b.kind for b in register.bodies]
    assert (kinds.count(bodies.BodyKind.STATUTORY), kinds.count(bodies.BodyKind.AUTHORISED)) == (37, 3)
    assert "现将以下40个行政执法主体予以公布" in SEED_LINE
    for body in register.bodies:
        assert body.quote.replace("（", "(").replace("）", ")") in SEED_LINE, body.name
    assert register.entrustment.quote in SEED_LINE and register.entrustment.filing_days == 10
    assert register.find("鄂尔多斯市文物局") is register.find("鄂尔多斯市文化和旅游局")  # a 挂牌 name


@pytest.mark.parametrize(
    ("today", "filed_on", "overdue", "late"),
    [
        (date(2026, 11, 11), None, False, False),  # the 10th day after signing: still in time
        (date(2026, 11, 12), None, True, False),
        (date(2026, 11, 30), date(2026, 11, 11), False, False),
        (date(2026, 11, 30), date(2026, 11, 12), False, True),
    ],
)
def test_the_ten_day_boundary(today: date, filed_on: date | None, overdue: bool, late: bool) -> None:
    status = entrustment_status(
        signed_on=date(2026, 11, 1), filed_on=filed_on, announced_on=None, filing_days=10, today=today
    )
    assert status.filing_due == date(2026, 11, 11) and (status.filing_overdue, status.filed_late) == (overdue, late)


@settings(max_examples=50)
@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)), st.integers(min_value=0, max_value=40))
def test_overdue_exactly_after_the_due_day(signed_on: date, days_later: int) -> None:
    today = signed_on + timedelta(days=days_later)
    status = entrustment_status(signed_on=signed_on, filed_on=None, announced_on=None, filing_days=10, today=today)
    assert status.filing_overdue is (days_later > 10)


@pytest.fixture
def people(db_session: Session, divisions: int) -> dict[str, dict[str, str]]:
    owner = factories.enterprise(db_session, "鄂尔多斯示例企业", "150600")
    factories.user(db_session, "ordos_firm", Role.ENTERPRISE_REPORTER, organisation_id=owner.id)
    return {
        "city": factories.bearer(db_session, "ordos_duty", Role.CITY_OFFICER, "150600"),
        "county": factories.bearer(db_session, "hangjin_duty", Role.COUNTY_OFFICER, "150625"),
        "baotou": factories.bearer(db_session, "baotou_duty", Role.CITY_OFFICER, "150200"),
        "expert": factories.bearer(db_session, "ordos_expert", Role.EXPERT, "150600"),
        "firm": {"Authorization": f"Bearer {factories.token_for(db_session, 'ordos_firm')}"},
    }


@pytest.mark.db
def test_an_entrustment_is_recorded_shown_overdue_and_filed_once(
    client: TestClient, people: dict[str, dict[str, str]], db_session: Session
) -> None:
    made = client.post("/api/enforcement/entrustments", json=ENTRUSTMENT, headers=people["city"])
    assert made.status_code == 201, made.text
    row = made.json()
    assert row["entrusting_body"] == "鄂尔多斯市发展和改革委员会"  # recorded under the body's own name
    assert row["filing_due"] == "2026-11-11" and row["filing_overdue"]  # the test clock is 2026-11-23
    assert row["status_label"] == "未备案，已超过备案期限 2026-11-11；未公告"
    assert row["allowed_actions"] == ["announce", "file"]
    fresh = client.post(
        "/api/enforcement/entrustments", json={**ENTRUSTMENT, "signed_on": "2026-11-20"}, headers=people["city"]
    ).json()
    listed = client.get("/api/enforcement/entrustments", headers=people["city"]).json()["items"]
    assert [r["id"] for r in listed] == [row["id"], fresh["id"]]  # unfiled, the most overdue first
    base = f"/api/enforcement/entrustments/{row['id']}"
    early = client.post(f"{base}/file", json={"on": "2026-10-31"}, headers=people["city"])
    assert early.status_code == 422 and early.json()["error"]["subcode"] == "enforcement.entrustment.date.early"
    future = client.post(f"{base}/file", json={"on": "2026-12-31"}, headers=people["city"])
    assert future.status_code == 422 and future.json()["error"]["subcode"] == "enforcement.entrustment.date.future"
    filed = client.post(f"{base}/file", json={"on": "2026-11-12"}, headers=people["city"])
    assert filed.status_code == 200 and filed.json()["filed_late"]
    assert filed.json()["status_label"].startswith("2026-11-12 已向鄂尔多斯市司法局备案（逾期）")
    again = client.post(f"{base}/file", json={"on": "2026-11-12"}, headers=people["city"])
    assert again.status_code == 409 and again.json()["error"]["subcode"] == "enforcement.entrustment.done"
    assert client.post(f"{base}/announce", json={"on": "2026-11-02"}, headers=people["city"]).status_code == 200
    listed = client.get("/api/enforcement/entrustments", headers=people["city"]).json()["items"]
    assert [r["id"] for r in listed] == [fresh["id"], row["id"]]  # the filed one goes after
    register = client.get("/api/enforcement/bodies/150600", headers=people["expert"]).json()
    assert (register["statutory"], register["authorised"]) == (37, 3)
    assert next(b for b in register["bodies"] if b["name"] == "鄂尔多斯市发展和改革委员会")["entrustments"] == 2
    actions = [
        e.action
        for e in db_session.scalars(select(AuditEntry).where(AuditEntry.target_kind == "enforcement_entrustment"))
    ]
    assert actions == [
        "enforcement.entrustment.create",
        "enforcement.entrustment.create",
        "enforcement.entrustment.file",
        "enforcement.entrustment.announce",
    ]


@pytest.mark.db
@pytest.mark.parametrize(
    ("who", "body", "status", "subcode"),
    [
        ("county", ENTRUSTMENT, 403, "enforcement.entrustment.role"),  # not the city's level
        ("expert", ENTRUSTMENT, 403, "enforcement.entrustment.role"),
        ("firm", ENTRUSTMENT, 403, "enforcement.entrustment.role"),
        ("baotou", {**ENTRUSTMENT, "division_code": "150200"}, 404, "enforcement.bodies.none"),  # no published list
        ("city", {**ENTRUSTMENT, "entrusting_body": "鄂尔多斯市某协会"}, 422, "enforcement.entrustment.not_a_body"),
        ("city", {**ENTRUSTMENT, "signed_on": "2027-01-01"}, 422, "enforcement.entrustment.date.future"),
        ("city", {**ENTRUSTMENT, "powers": ""}, 422, None),
        ("city", {**ENTRUSTMENT, "division_code": "15"}, 422, None),
    ],
)
def test_refusals_leave_nothing(
    client: TestClient,
    people: dict[str, dict[str, str]],
    db_session: Session,
    who: str,
    body: dict[str, str],
    status: int,
    subcode: str | None,
) -> None:
    answer = client.post("/api/enforcement/entrustments", json=body, headers=people[who])
    assert answer.status_code == status, answer.text
    if subcode:
        assert answer.json()["error"]["subcode"] == subcode
    from yingji.enforcement.models import Entrustment

    assert db_session.scalars(select(Entrustment)).all() == []


@pytest.mark.db
def test_others_do_not_see_or_act(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    row = client.post("/api/enforcement/entrustments", json=ENTRUSTMENT, headers=people["city"]).json()
    assert client.get("/api/enforcement/entrustments", headers=people["baotou"]).json()["total"] == 0
    assert client.get("/api/enforcement/entrustments", headers=people["firm"]).status_code == 403
    hidden = client.post(
        f"/api/enforcement/entrustments/{row['id']}/file", json={"on": "2026-11-05"}, headers=people["baotou"]
    )
    assert hidden.status_code == 404
    seen = client.get("/api/enforcement/entrustments", headers=people["expert"]).json()["items"]
    assert seen[0]["allowed_actions"] == []
    refused = client.post(
        f"/api/enforcement/entrustments/{row['id']}/file", json={"on": "2026-11-05"}, headers=people["expert"]
    )
    assert refused.status_code == 403
    assert client.get("/api/enforcement/bodies/150200", headers=people["city"]).status_code == 404


@pytest.mark.db
def test_the_register_page_shows_entrustments_overdue_in_words(
    client: TestClient, people: dict[str, dict[str, str]]
) -> None:
    client.post("/api/enforcement/entrustments", json=ENTRUSTMENT, headers=people["city"])
    page = client.get("/console/enforcement", headers=people["city"]).text
    assert "委托执法备案" in page and "未备案，已超过备案期限 2026-11-11" in page and "登记委托执法" in page
    assert "登记备案</button>" in page and "登记公告</button>" in page
    expert = client.get("/console/enforcement", headers=people["expert"]).text
    assert "未备案，已超过备案期限" in expert and "登记委托执法" not in expert and "登记备案</button>" not in expert
    firm = client.get("/console/enforcement", headers=people["firm"]).text
    assert "委托执法备案" not in firm
