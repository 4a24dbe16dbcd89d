"""Site photos on a 续报 over HTTP: the submitter attaches them by the report's client key; the type is checked by the
file's leading bytes, the size bounded before the body is read, the number per report capped; the room shows them
and the timeline records them; nobody outside the incident's scope reads them."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories.incidents import initial, jiuyuan_people
from yingji.incidents import photos

pytestmark = pytest.mark.db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def people(db_session: Session, divisions: int) -> dict[str, dict[str, str]]:
    return jiuyuan_people(db_session)


@pytest.fixture
def incident(client: TestClient, people: dict[str, dict[str, str]]) -> dict[str, Any]:
    report = initial(mine="甲矿一号井", lon=109.9, lat=40.6).model_dump(mode="json")
    created = client.post("/api/incidents", json=report, headers=people["county"])
    assert created.status_code == 201, created.text
    follow = {"client_key": "web-follow-up-0001", "kind": "follow_up", "deaths": 1, "content": {"进展情况": "救援中"}}
    sent = client.post(f"/api/incidents/{created.json()['id']}/reports", json=follow, headers=people["county"])
    assert sent.status_code == 201, sent.text
    answer: dict[str, Any] = created.json()
    return answer


def post_photo(
    client: TestClient, incident_id: int, headers: dict[str, str], body: bytes, kind: str = "image/jpeg", **query: str
) -> Any:
    params = {"report_key": "web-follow-up-0001", "filename": "现场.jpg"} | query
    return client.post(
        f"/api/incidents/{incident_id}/photos", params=params, content=body, headers=headers | {"Content-Type": kind}
    )


def test_a_follow_up_carries_photos_shown_in_the_room(
    client: TestClient, people: dict[str, dict[str, str]], incident: dict[str, Any]
) -> None:
    county, incident_id = people["county"], incident["id"]
    added = post_photo(client, incident_id, county, JPEG)
    assert added.status_code == 201, added.text
    photo = added.json()
    assert photo["size"] == len(JPEG) and photo["uploaded_by"] == "jiuyuan_duty"
    image = client.get(photo["url"], headers=people["city"])  # the city above reads it
    assert image.status_code == 200 and image.content == JPEG and image.headers["content-type"] == "image/jpeg"
    assert post_photo(client, incident_id, county, PNG, "image/png", filename="b.png").status_code == 201

    room = client.get(f"/console/incidents/{incident_id}", headers=county).text
    assert f'src="{photo["url"]}"' in room and 'capture="environment"' in room
    kinds = [e["kind"] for e in client.get(f"/api/incidents/{incident_id}/timeline", headers=county).json()["items"]]
    assert kinds.count("report.photo") == 2

    assert client.get(photo["url"], headers=people["other"]).status_code == 404  # another county
    assert client.get(f"/api/incidents/{incident_id}/photos/999999", headers=county).status_code == 404


def test_photo_refusals(
    client: TestClient, people: dict[str, dict[str, str]], incident: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    county, incident_id = people["county"], incident["id"]
    assert post_photo(client, incident_id, county, b"GIF89a" + JPEG).status_code == 422  # not what it claims
    wrong = post_photo(client, incident_id, county, JPEG, "image/gif")
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "content_type"
    fake_webp = post_photo(client, incident_id, county, b"RIFF\x00\x00\x00\x00WAVE", "image/webp")
    assert fake_webp.status_code == 422
    assert post_photo(client, incident_id, county, JPEG, filename="../x.jpg").status_code == 422
    assert post_photo(client, incident_id, county, JPEG, report_key="web-not-mine-0001").status_code == 404
    # the city officer did not submit that report: not theirs to add to (their own key finds nothing)
    assert post_photo(client, incident_id, people["city"], JPEG).status_code == 404
    assert post_photo(client, incident_id, people["expert"], JPEG).status_code == 403
    assert post_photo(client, incident_id, people["other"], JPEG).status_code == 404
    huge = post_photo(client, incident_id, county, JPEG + b"\x00" * photos.MAX_PHOTO_BYTES)
    assert huge.status_code == 413

    monkeypatch.setattr(photos, "MAX_PHOTOS_PER_REPORT", 1)
    assert post_photo(client, incident_id, county, JPEG).status_code == 201
    full = post_photo(client, incident_id, county, JPEG)
    assert full.status_code == 409 and full.json()["error"]["subcode"] == "incident.photo.too_many"
