"""业委会培训 (issue 26 item 4; 000#L262 “业委会每年开展不少于2次培训，街道（苏木乡镇）强化全过程监管”): Baotou's
compounds with a committee owe two trainings a year; the supervisor records them and sees who is behind. Today is
2026-11-23 (the second half of the year)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.property.conftest import People, Places

pytestmark = pytest.mark.db
TRAINING = {"held_on": "2026-03-12", "topic": "业主大会议事规则与公共收益管理", "attendees": 7}


def test_two_trainings_a_year_are_recorded_and_the_behind_come_first(
    client: TestClient, people: People, places: Places
) -> None:
    [row] = client.get("/api/property/committee-trainings", headers=people["kundulun"]).json()["items"]
    assert (row["compound_name"], row["held"], row["required"], row["behind"]) == ("保利花园", 0, 2, True)
    assert row["status_label"] == "已开展 0 次，年底前还需 2 次" and row["seed"] == "000#L262"
    url = f"/api/property/compounds/{places['baoli']}/trainings"
    first = client.post(url, json=TRAINING, headers=people["kundulun"])
    assert first.status_code == 201, first.text
    assert first.json()[0]["held"] == 1 and not first.json()[0]["behind"]
    second = client.post(url, json={**TRAINING, "held_on": "2026-09-20"}, headers=people["baotou"])
    assert second.json()[0]["status_label"] == "已开展 2 次，达到每年不少于 2 次"
    last_year = client.get(
        "/api/property/committee-trainings", params={"year": 2025}, headers=people["kundulun"]
    ).json()["items"]
    assert last_year[0]["behind"] and last_year[0]["status_label"] == "全年仅开展 0 次，未达到每年不少于 2 次"
    # Dongsheng's programme sets no training duty: its compounds are not listed
    assert client.get("/api/property/committee-trainings", headers=people["dongsheng"]).json()["total"] == 0


@pytest.mark.parametrize(
    ("who", "place", "body", "status", "subcode"),
    [
        ("kundulun", "baoli", {**TRAINING, "held_on": "2026-12-01"}, 422, "property.training.date"),
        ("kundulun", "baoli", {**TRAINING, "held_on": "2024-12-01"}, 422, "property.training.date"),
        ("kundulun", "baoli", {**TRAINING, "attendees": 0}, 422, None),
        ("dongsheng", "hangkong", TRAINING, 409, "property.training.no_committee"),
        ("dongsheng", "jinxiu", TRAINING, 409, "property.training.no_rule"),
        ("dongsheng", "baoli", TRAINING, 404, None),  # another county's compound
        ("expert", "jinxiu", TRAINING, 403, None),
    ],
)
def test_refusals(
    client: TestClient,
    people: People,
    places: Places,
    who: str,
    place: str,
    body: dict[str, object],
    status: int,
    subcode: str | None,
) -> None:
    answer = client.post(f"/api/property/compounds/{places[place]}/trainings", json=body, headers=people[who])
    assert answer.status_code == status, answer.text
    if subcode:
        assert answer.json()["error"]["subcode"] == subcode


def test_the_property_page_lists_the_behind_with_a_form(client: TestClient, people: People, places: Places) -> None:
    page = client.get("/console/property", headers=people["kundulun"]).text
    assert "业委会培训（2026年，每年不少于 2 次）" in page and "1 个小区进度落后" in page and "保利花园" in page
    assert f'data-api="/api/property/compounds/{places["baoli"]}/trainings"' in page
    assert "业委会培训（" not in client.get("/console/property", headers=people["dongsheng"]).text
