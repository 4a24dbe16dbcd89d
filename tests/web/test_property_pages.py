"""物业监管 console pages over HTTP on both engines, on the property demo data: one page for a city bureau, a street
and a community account, each seeing only its own compounds (another street's compound answers 404 exactly as a
missing one does); experts and enterprise accounts are refused; the owners' pages open without an account."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth.actor import Actor
from yingji.auth.roles import Role
from yingji.property import complaints, service
from yingji.property import demo as property_demo
from yingji.property.models import Complaint, Compound, ServiceContract
from yingji.property.schemas import ContractIn

pytestmark = pytest.mark.db

Headers = dict[str, str]
CONSOLE = (
    "/console/property",
    "/console/property/compounds",
    "/console/property/compounds/{own}",
    "/console/property/complaints",
    "/console/property/complaints/{complaint}",
    "/console/property/credit",
    "/console/property/analysis?month=2026-11",
)
DONGSHENG = Actor(username="dongsheng_housing", role=Role.COUNTY_OFFICER, division_code="150602")


@pytest.fixture
def people(db_session: Session, divisions: int) -> dict[str, Headers]:
    """The property demo (东胜区 and 昆都仑区) and an account at each level, plus two that may not supervise."""
    property_demo.load(db_session=db_session, clock=factories.CLOCK)
    firm = factories.enterprise(db_session, "东胜区某物业公司（测试）", "150602")
    factories.user(db_session, "firm_user", Role.ENTERPRISE_REPORTER, organisation_id=firm.id)
    return {
        "city": factories.bearer(db_session, "ordos_duty", Role.CITY_OFFICER, "150600"),
        "street": factories.bearer(db_session, "jiaotong_street", Role.GRASSROOTS_OFFICER, "150602001"),
        "community": factories.bearer(db_session, "jinxiu_community", Role.GRASSROOTS_OFFICER, "150602001002"),
        "expert": factories.bearer(db_session, "expert", Role.EXPERT, "150602"),
        "enterprise": {"Authorization": f"Bearer {factories.token_for(db_session, 'firm_user')}"},
    }


def compound(db_session: Session, name: str) -> Compound:
    found = db_session.scalar(select(Compound).where(Compound.name == name))
    assert found is not None
    return found


def complaint_about(db_session: Session, name: str) -> Complaint:
    found = db_session.scalar(select(Complaint).where(Complaint.compound_id == compound(db_session, name).id))
    assert found is not None
    return found


def hotline(db_session: Session, place: Compound, remit: str | None = None, category: str = "环境卫生") -> Complaint:
    data = complaints.HotlineIn(
        compound_id=place.id, category=category, content="楼道堆放杂物无人清理", owner_phone="13800000009", remit=remit
    )
    filed, _ = complaints.file(
        db_session=db_session, clock=factories.CLOCK, data=data, channel="hotline", actor=DONGSHENG
    )
    return filed


def late_contract(db_session: Session, place: Compound) -> ServiceContract:
    """A contract signed 60 days ago and not filed: past the 30 days the platform default allows."""
    signed = factories.CLOCK.now().date() - timedelta(days=60)
    company = service.company_names(db_session, {place.company_id})[place.company_id or 0]
    data = ContractIn(
        compound_id=place.id,
        company=company,
        signed_on=signed,
        starts_on=signed,
        ends_on=signed + timedelta(days=3 * 365),
        fee_standard=Decimal("1.10"),
    )
    return service.save_contract(db_session=db_session, clock=factories.CLOCK, actor=DONGSHENG, data=data)


def test_the_city_overview_shows_targets_counts_duties_and_credit_lists(
    client: TestClient, db_session: Session, people: dict[str, Headers]
) -> None:
    late_contract(db_session, compound(db_session, "航空家园（演示）"))
    page = client.get("/console/property", headers=people["city"])
    assert page.status_code == 200
    html = page.text
    assert "东胜区物业服务全覆盖提品质三年行动实施方案" in html and "包头市物业服务质量" not in html
    assert "业主委员会（物业管理委员会）组建率" in html and "001#L79-L81" in html
    assert re.search(r"<b>4</b>专业化物业管理", html) and re.search(r"<b>1</b>无物业", html)
    assert 'id="complaints-open">1<' in html and 'id="complaints-late">1<' in html  # 育才小区's, escalated
    overdue = html[html.index('id="overdue-filings"') : html.index('id="property-duties"')]
    assert "航空家园（演示）" in overdue and "民生花园（演示）" not in overdue  # the latter has no contract
    assert "交通街道" in html and "联合执法检查" in html and "2026-Q4" in html
    assert "红榜" in html and "黑榜" in html and "2025 年度" in html
    assert '<a href="/console/property" class="here" aria-current="page">物业监管</a>' in html


def test_a_street_sees_its_own_compounds_only(
    client: TestClient, db_session: Session, people: dict[str, Headers]
) -> None:
    listing = client.get("/console/property/compounds", headers=people["street"])
    assert listing.status_code == 200
    assert "锦秀苑小区（演示）" in listing.text and "航空家园（演示）" in listing.text
    assert "育才小区（演示）" not in listing.text and "保利花园（演示）" not in listing.text
    other = compound(db_session, "育才小区（演示）")  # 公园街道
    refused = client.get(f"/console/property/compounds/{other.id}", headers=people["street"])
    assert refused.status_code == 404 and "未找到小区" in refused.text and "育才小区" not in refused.text
    theirs = complaint_about(db_session, "育才小区（演示）")
    assert client.get(f"/console/property/complaints/{theirs.id}", headers=people["street"]).status_code == 404
    overview = client.get("/console/property", headers=people["street"]).text
    assert "东胜区物业服务全覆盖提品质三年行动实施方案" in overview  # its programme's targets, as the API gives them
    assert "包头市物业服务质量" not in overview and "育才小区" not in overview


def test_a_community_sees_one_compound_and_the_division_filter_narrows(
    client: TestClient, people: dict[str, Headers]
) -> None:
    html = client.get("/console/property/compounds", headers=people["community"]).text
    assert "锦秀苑小区（演示）" in html and "航空家园（演示）" not in html
    narrowed = client.get("/console/property/compounds", params={"division": "150602001003"}, headers=people["city"])
    assert "航空家园（演示）" in narrowed.text and "锦秀苑小区（演示）" not in narrowed.text
    assert '<option value="150602001003" selected>交通街道 · 航空社区</option>' in narrowed.text
    outside = client.get("/console/property/compounds", params={"division": "150602002"}, headers=people["street"])
    assert outside.status_code == 403
    assert client.get("/console/property/compounds?division=x", headers=people["city"]).status_code == 422


def test_the_compound_page_offers_filing_and_shows_the_filed_contract(
    client: TestClient, db_session: Session, people: dict[str, Headers]
) -> None:
    place = compound(db_session, "锦秀苑小区（演示）")
    contract = late_contract(db_session, place)
    path = f"/console/property/compounds/{place.id}"
    html = client.get(path, headers=people["street"]).text
    assert "逾期未备案" in html and "专业化物业管理" in html and "尚无检查记录" in html
    form = f'data-api="/api/property/contracts/{contract.id}/filing"'
    assert form in html
    filed = client.post(
        f"/api/property/contracts/{contract.id}/filing", json={"filed_on": "2026-11-20"}, headers=people["street"]
    )
    assert filed.status_code == 200, filed.text
    after = client.get(path, headers=people["street"]).text
    assert "逾期后备案 2026-11-20" in after and form not in after
    assert "WY" in after[after.index('id="compound-complaints"') :]  # its complaint, answered in the demo


def test_complaint_actions_follow_state_and_who_handles_it(
    client: TestClient, db_session: Session, people: dict[str, Headers]
) -> None:
    place = compound(db_session, "锦秀苑小区（演示）")
    local = hotline(db_session, place)  # 简单：锦秀社区办理
    html = client.get(f"/console/property/complaints/{local.id}", headers=people["community"]).text
    assert 'id="respond"' in html and 'id="reroute"' in html and 'id="resolve"' not in html
    assert "13800000009" in html  # the handling community sees the owner's contact, the city does not
    city = client.get(f"/console/property/complaints/{local.id}", headers=people["city"]).text
    assert "13800000009" not in city and complaints.MASK in city
    assert 'class="countdown" data-due="2026-11-24T03:00:00+00:00"' in html  # 24 hours to respond
    answered = client.post(
        f"/api/property/complaints/{local.id}/respond", json={"note": "已联系业主上门查看"}, headers=people["community"]
    )
    assert answered.status_code == 200, answered.text
    html = client.get(f"/console/property/complaints/{local.id}", headers=people["community"]).text
    assert 'id="resolve"' in html and 'id="respond"' not in html and "已联系业主上门查看" in html
    county = hotline(db_session, place, remit="major_or_difficult", category="违章搭建")
    html = client.get(f"/console/property/complaints/{county.id}", headers=people["street"]).text
    assert "本账号只能查看" in html and 'id="respond"' not in html and "违章搭建" in html


def test_the_complaint_list_filters_and_offers_the_hotline_form(
    client: TestClient, db_session: Session, people: dict[str, Headers]
) -> None:
    late = complaint_about(db_session, "育才小区（演示）")
    overdue = client.get("/console/property/complaints", params={"show": "overdue"}, headers=people["city"]).text
    assert late.number in overdue and "升级 1 次" in overdue
    open_ = client.get("/console/property/complaints", headers=people["street"]).text
    assert late.number not in open_ and 'id="hotline"' in open_ and 'data-show="hotline-result"' in open_
    answered = complaint_about(db_session, "锦秀苑小区（演示）")  # 待确认: not open
    assert answered.number not in open_
    everything = client.get("/console/property/complaints", params={"show": "all"}, headers=people["street"]).text
    assert answered.number in everything
    mine = client.get("/console/property/complaints", params={"show": "mine"}, headers=people["community"]).text
    assert answered.number in mine
    assert client.get("/console/property/complaints?show=bogus", headers=people["city"]).status_code == 422


def test_credit_page_shows_lists_consequences_and_methods(client: TestClient, people: dict[str, Headers]) -> None:
    html = client.get("/console/property/credit", headers=people["city"]).text
    assert "鄂尔多斯市安泰物业服务有限公司（演示）" in html and "红榜" in html and "黑榜" in html
    assert "落实“以奖代补”奖励政策" in html and "东政发〔2024〕18号" in html
    assert "基础分 80" in html and 'id="credit-event"' in html and 'id="credit-publish"' in html
    assert '<option value="administrative_penalty">' in html and 'name="serious"' in html
    street = client.get("/console/property/credit", headers=people["street"]).text
    assert 'id="credit-publish"' not in street  # a street does not publish,
    assert '<option value="daily_inspection">' in street and '<option value="street_community_opinion">' in street
    assert '<option value="administrative_penalty">' not in street and 'name="serious"' not in street  # nor judge


def test_the_monthly_analysis_flags_key_compounds(
    client: TestClient, db_session: Session, people: dict[str, Headers]
) -> None:
    place = compound(db_session, "民生花园（演示）")  # 200 households: 6 complaints are 3 per hundred
    for _ in range(6):
        complaints.file(
            db_session=db_session,
            clock=factories.CLOCK,
            channel="hotline",  # entered by an officer: counted (unanswered web filings are not)
            data=complaints.ComplaintIn(
                compound_id=place.id, category="噪声扰民", content="夜间施工噪声扰民", owner_phone="13800000010"
            ),
        )
    html = client.get("/console/property/analysis", params={"month": "2026-11"}, headers=people["city"]).text
    row = re.search(r'<tr class="key"><td><a href="/console/property/compounds/\d+">民生花园（演示）</a>.*?</tr>', html)
    assert row is not None and "重点小区" in row.group(0) and ">3.0<" in row.group(0)
    assert 'href="/api/property/analysis/monthly.xlsx?month=2026-11"' in html
    assert 'href="/console/property/analysis?month=2026-10"' in html
    december = client.get("/console/property/analysis", params={"month": "2026-12"}, headers=people["city"]).text
    assert '<tr class="key">' not in december
    assert client.get("/console/property/analysis?month=2026-13", headers=people["city"]).status_code == 422


@pytest.mark.parametrize("who", ["expert", "enterprise"])
@pytest.mark.parametrize("path", CONSOLE)
def test_accounts_without_property_supervision_are_refused(
    client: TestClient, db_session: Session, people: dict[str, Headers], who: str, path: str
) -> None:
    own = compound(db_session, "锦秀苑小区（演示）")
    url = path.format(own=own.id, complaint=complaint_about(db_session, "锦秀苑小区（演示）").id)
    page = client.get(url, headers=people[who])
    assert page.status_code == 403 and "无权执行此操作" in page.text and "锦秀苑" not in page.text
    assert 'href="/console/property"' not in page.text  # nor offered in the navigation


def test_street_and_community_accounts_land_on_property_supervision(
    client: TestClient, people: dict[str, Headers]
) -> None:
    landing = client.get("/", headers=people["community"], follow_redirects=False)
    assert landing.status_code == 303 and landing.headers["location"] == "/console/property"
    nav = client.get("/console/property", headers=people["community"]).text
    nav = nav[nav.index('<nav id="site-nav"') : nav.index("</nav>")]
    assert "物业监管" in nav and "事故" not in nav and "总览" not in nav


@pytest.mark.parametrize("path", ["/console/property", "/console/property/complaints", "/console/property/credit"])
def test_console_pages_need_a_session(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/login?next={path}"


@pytest.mark.parametrize(
    ("path", "marker"),
    [("/property/complaint", 'id="owner-form"'), ("/property/complaint/track", 'id="track-form"')],
)
def test_the_owners_pages_open_without_an_account(client: TestClient, path: str, marker: str) -> None:
    page = client.get(path, follow_redirects=False)
    assert page.status_code == 200 and marker in page.text
    assert '<script src="/static/owner.js"></script>' in page.text and "console.js" not in page.text
