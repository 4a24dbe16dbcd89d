"""隐患 pages over HTTP, without a browser: the create form each party gets, the detail page's forms exactly as the
read model allows, photos through the attachment endpoint, and a hazard out of scope answering 404 as a missing one."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth.roles import Role

pytestmark = pytest.mark.db

REPORT = {
    "channel": "self_check",
    "place": "3102综采工作面回风巷",
    "description": "回风巷风门损坏，局部风量不足",
    "category": "通风",
    "found_on": "2026-11-20",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def site(client: TestClient, db_session: Session, divisions: int) -> dict[str, Any]:
    coal = factories.enterprise(db_session, "杭锦旗页面煤业有限公司", "150625", sector="coal_mine")
    factories.user(db_session, "page_coal", Role.ENTERPRISE_REPORTER, organisation_id=coal.id)
    return {
        "enterprise": {"Authorization": f"Bearer {factories.token_for(db_session, 'page_coal')}"},
        "officer": factories.bearer(db_session, "hangjin_duty", Role.COUNTY_OFFICER, "150625"),
        "outsider": factories.bearer(db_session, "dongsheng_duty", Role.COUNTY_OFFICER, "150602"),
        "expert": factories.bearer(db_session, "hangjin_expert", Role.EXPERT, "150625"),
        "coal": coal,
    }


def test_each_party_gets_its_own_create_form(client: TestClient, site: dict[str, Any]) -> None:
    enterprise = client.get("/console/hazards", headers=site["enterprise"]).text
    assert 'name="channel" value="self_check"' in enterprise and 'name="organisation_id" data-type' not in enterprise
    assert "瓦斯超限作业" in enterprise  # the coal checklist's words, not its codes
    officer = client.get("/console/hazards", headers=site["officer"]).text
    assert 'name="channel" value="inspection"' in officer and "杭锦旗页面煤业有限公司</option>" in officer
    assert 'id="hazard-create"' not in client.get("/console/hazards", headers=site["expert"]).text


def test_the_list_filters_and_exports_what_it_shows(client: TestClient, site: dict[str, Any]) -> None:
    for place in ("主井口", "副井口"):
        assert client.post("/api/hazards", json=REPORT | {"place": place}, headers=site["enterprise"]).is_success
    page = client.get("/console/hazards", params={"q": "主井", "state": "reported"}, headers=site["officer"]).text
    assert "主井口" in page and "副井口" not in page and "共 1 条" in page
    assert 'href="/api/hazards/export.xlsx?q=%E4%B8%BB%E4%BA%95&amp;order=urgent&amp;state=reported"' in page
    assert "逾期、督办、重大在前" in page  # the console's default order, said in words
    bad = client.get("/console/hazards", params={"order": "sideways"}, headers=site["officer"])
    assert bad.status_code == 422


def test_the_detail_offers_the_steps_the_read_model_allows(client: TestClient, site: dict[str, Any]) -> None:
    hid = client.post("/api/hazards", json=REPORT, headers=site["enterprise"]).json()["id"]
    path = f"/console/hazards/{hid}"
    own = client.get(path, headers=site["enterprise"]).text
    assert 'id="hazard-confirm"' in own and 'id="hazard-dismiss"' not in own  # dismissal is the supervisor's
    assert 'id="hazard-upload"' in own and "/static/upload.js" in own
    assert "一般隐患原则上一周内（2026-11-27 前）完成整改" in own  # the week's rule, in words
    officer = client.get(path, headers=site["officer"]).text
    assert 'id="hazard-confirm"' in officer and 'id="hazard-dismiss"' in officer and "改定判定依据" in officer
    client.post(f"/api/hazards/{hid}/confirm", json={}, headers=site["enterprise"])
    five = client.get(path, headers=site["enterprise"]).text
    assert 'id="hazard-five-form"' in five and 'value="2026-11-27"' in five  # the week's deadline offered
    stored = client.post(
        f"/api/hazards/{hid}/attachments?filename=现场.png",
        content=PNG,
        headers=site["enterprise"] | {"Content-Type": "image/png"},
    ).json()
    shown = client.get(path, headers=site["officer"]).text
    assert f'<img src="/api/hazards/{hid}/attachments/{stored["id"]}"' in shown
    assert "上传附件" in shown and "现场照片和附件（1）" in shown  # the history says so in words
    expert = client.get(path, headers=site["expert"]).text
    assert "当前环节没有由本账号办理的事项" in expert and 'id="hazard-upload"' not in expert
    missing = client.get(f"/console/hazards/{hid + 1000}", headers=site["officer"])
    outsider = client.get(path, headers=site["outsider"])
    assert missing.status_code == outsider.status_code == 404 and 'id="page-error"' in outsider.text
    assert client.get(path, follow_redirects=False).status_code == 303
