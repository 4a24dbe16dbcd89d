"""Control characters in text given as input (issue 21 item 5) are refused with a 422 naming the field: in every JSON
body (one app-wide check before validation), in the public forms pydantic parses itself, and in imported files.
Line breaks and tabs stay allowed, and a value stored before the rule still reads (response models are YingjiModels
built from stored rows, and are not checked)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import Field, ValidationError
from sqlalchemy import update
from sqlalchemy.orm import Session

from tests import factories
from tests.factories.incidents import initial, jiuyuan_people
from tests.metrology.conftest import instrument_body
from tests.property.conftest import COMPANY, compound
from tests.property.test_survey import HEADER as SURVEY_HEADER
from tests.tips.test_api import TIP
from yingji.auth.models import User
from yingji.auth.roles import Role
from yingji.core.schemas import YingjiModel
from yingji.incidents.models import Incident


class Inner(YingjiModel):
    name: str


class Body(YingjiModel):
    title: str
    note: str | None = None
    tags: list[str] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)
    inner: Inner | None = None


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"title": "皮带\x0b秤"}, ("title",)),
        ({"title": "a", "note": "NUL\x00"}, ("note",)),
        ({"title": "a", "tags": ["好", "坏\x1b[31m"]}, ("tags", 1)),
        ({"title": "a", "extra": {"电梯": "两\x08部"}}, ("extra", "电梯")),
        ({"title": "a", "inner": {"name": "\x7fDEL"}}, ("inner", "name")),
    ],
)
def test_json_parsed_by_a_model_is_refused_naming_the_field(given: dict[str, Any], field: tuple[Any, ...]) -> None:
    with pytest.raises(ValidationError) as caught:
        Body.model_validate_json(json.dumps(given))
    [error] = caught.value.errors()
    assert error["loc"] == field and error["type"] == "control_character" and "控制字符" in error["msg"]


def test_line_breaks_and_tabs_stay_allowed_and_models_of_stored_rows_still_build() -> None:
    given = {"title": "第一行\n第二行", "note": "甲\t乙\r\n丙"}
    assert Body.model_validate_json(json.dumps(given)).note == "甲\t乙\r\n丙"

    class Stored:
        name = "旧\x0b数据"

    assert Inner.model_validate(Stored(), from_attributes=True).name == "旧\x0b数据"
    assert Body(title="旧\x0b数据", inner=Inner(name="旧\x0b数据")).title == "旧\x0b数据"  # as a Read model is built


def _compound_with_extra() -> dict[str, Any]:
    return compound("锦秀苑", "150602001002", extra={"电梯": "两\x0b部"})


def _complaint() -> dict[str, Any]:
    return {
        "compound_id": 1,
        "category": "环境卫生",
        "content": "小区垃圾连续三天\x0c未清运，气味很大",
        "owner_phone": "13700000003",
    }


@pytest.mark.db
@pytest.mark.parametrize(
    ("accounts", "who", "url", "body", "field"),
    [
        ("headers", "a", "/api/metrology/instruments", instrument_body(name="皮带\x0b秤"), "name"),
        ("headers", "a", "/api/metrology/instruments", instrument_body(location="输煤\x00线"), "location"),
        ("people", "dongsheng", "/api/property/compounds", compound("锦\x0b秀苑", "150602001002"), "name"),
        ("people", "dongsheng", "/api/property/companies", {**COMPANY, "name": "测试\x1f物业"}, "name"),
        (
            "people",
            "street",
            "/api/tips/public",
            {**TIP, "description": "夜班在瓦斯超限时\x0b仍在采煤，监控探头被遮挡"},
            "description",
        ),
        ("people", "dongsheng", "/api/property/compounds", _compound_with_extra(), "extra.电梯"),
        ("people", "street", "/api/property/public/complaints", _complaint(), "content"),
    ],
    ids=["vertical tab", "NUL", "compound", "company", "public tip", "nested", "public complaint"],
)
def test_api_bodies_with_control_characters_are_refused_with_422(
    client: TestClient, request: pytest.FixtureRequest, accounts: str, who: str, url: str, body: Any, field: str
) -> None:
    response = client.post(url, json=body, headers=request.getfixturevalue(accounts)[who])
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == field and "控制字符" in error["message"] and "U+00" in error["message"]


@pytest.mark.db
def test_a_multi_line_location_is_accepted(client: TestClient, headers: dict[str, dict[str, str]]) -> None:
    response = client.post(
        "/api/metrology/instruments", json=instrument_body(location="输煤线\n二号"), headers=headers["a"]
    )
    assert response.status_code == 201, response.text


@pytest.mark.db
def test_an_imported_cell_with_a_control_character_is_refused_by_line_and_column(
    client: TestClient, people: dict[str, dict[str, str]], places: dict[str, int]
) -> None:
    row = "1,交通街道,健康社区,健康\x0b家园,3,120,9000,1996,无物业,,,,,"
    content = f"{SURVEY_HEADER}\n{row}\n".encode()
    response = client.post("/api/property/survey/import?filename=s.csv", content=content, headers=people["street"])
    assert response.status_code == 422, response.text
    assert "第 2 行第 4 列含有不允许的控制字符（U+000B）" in response.json()["error"]["message"]


@pytest.mark.db
def test_an_account_stored_with_a_control_character_still_logs_in(
    client: TestClient, db_session: Session, divisions: int
) -> None:
    factories.user(db_session, "old_duty", Role.COUNTY_OFFICER, division="150602")
    db_session.execute(update(User).where(User.username == "old_duty").values(display_name="值班\x0b员"))
    response = client.post("/api/auth/login", json={"username": "old_duty", "password": factories.PASSWORD})
    assert response.status_code == 200, response.text
    assert response.json()["user"]["display_name"] == "值班\x0b员"


@pytest.mark.db
def test_an_incident_stored_with_a_control_character_still_reads(
    client: TestClient, db_session: Session, divisions: int
) -> None:
    county = jiuyuan_people(db_session)["county"]
    body = initial(mine="甲矿一号井", lon=109.9, lat=40.6).model_dump(mode="json")
    made = client.post("/api/incidents", json=body, headers=county)
    assert made.status_code == 201, made.text
    db_session.execute(update(Incident).where(Incident.id == made.json()["id"]).values(title="某矿\x0b透水事故"))
    shown = client.get(f"/api/incidents/{made.json()['id']}", headers=county)  # IncidentRead is built from the row
    assert shown.status_code == 200 and shown.json()["title"] == "某矿\x0b透水事故"
    assert client.get("/api/incidents", headers=county).status_code == 200


@pytest.mark.db
@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/registry/organisations?q=%00x", "q"),  # a NUL PostgreSQL cannot compare: a 422, never a 500
        ("/api/users?q=a%01b", "q"),
        ("/api/audit?actor=%1b", "actor"),
        ("/api/metrology/instruments?q=x%00", "q"),
    ],
)
def test_query_parameters_with_control_characters_are_refused_with_422(
    client: TestClient, headers: dict[str, dict[str, str]], url: str, field: str
) -> None:
    response = client.get(url, headers=headers["a"])
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field and "控制字符" in response.json()["error"]["message"]
