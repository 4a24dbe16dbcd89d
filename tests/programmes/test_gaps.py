"""The smaller gaps of issue 26 in the Baotou programmes, over HTTP on both engines: the heritage batches' cadence
(每2—4年组织开展一批, 000#L1848), the quality award's cultivation pool (培育库, 000#L93-L95) and the two-way rating
of evaluators and applicants (双向监督反馈评价机制, 000#L169) — each on the API and on the console page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.programmes.conftest import World

pytestmark = pytest.mark.db

ICH = "baotou-ich-bearers"


def batch(world: World, number: int, notice_on: str, expect: int = 201) -> Any:
    year = notice_on[:4]
    body = {
        "programme": ICH,
        "number": number,
        "title": f"第{number}批市级传承人认定",
        "approval_ref": f"包文旅广电字〔{year}〕{number}号",
        "approved_on": notice_on,
        "notice_on": notice_on,
        "apply_until": f"{year}-12-31",
    }
    return world.call("city", "POST", "/api/programmes/rounds", body, expect)


def cadence_of(world: World) -> dict[str, Any]:
    return dict(world.call("city", "GET", f"/api/programmes/{ICH}")["cadence_state"])


def test_heritage_batches_keep_two_to_four_years(world: World) -> None:
    """Today is 2026-11-23. A batch of 2020 left alone is overdue after 2024-06-01; a batch closer than two years to
    either neighbour is refused naming 000#L1848; one more than four years after the last is entered but flagged."""
    assert cadence_of(world)["status"] == "first"
    batch(world, 1, "2020-06-01")
    state = cadence_of(world)
    assert (state["status"], state["overdue"], state["latest"]) == ("overdue", True, "2024-06-01")
    assert state["basis"][0]["seed"] == "000#L1848"
    page = world.api.get("/console/programmes", headers=world.headers["city"]).text
    card = page[page.index(f'id="cadence-{ICH}"') :][:800]
    assert "下一批逾期未开展" in card and "2024-06-01" in card and "每2—4年组织开展一批" in card
    third = batch(world, 3, "2026-11-23")
    assert third["cadence"]["overdue"] is True and third["cadence"]["previous_number"] == 1
    state = cadence_of(world)
    assert (state["status"], state["earliest"], state["latest"]) == ("too_soon", "2028-11-23", "2030-11-23")
    assert state["overdue"] is False
    # a missed batch entered afterwards must also keep two years before the batch that follows it
    early = batch(world, 2, "2025-06-01", expect=422)["error"]
    assert (early["subcode"], early["field"], early["basis"][0]["seed"]) == (
        "programmes.round.too_soon",
        "notice_on",
        "000#L1848",
    )
    assert batch(world, 2, "2022-06-01")["cadence"]["status"] == "due"
    soon = batch(world, 4, "2028-11-22", expect=422)["error"]  # a day short of two years after batch 3
    assert soon["subcode"] == "programmes.round.too_soon" and "2028-11-23" in soon["message"]
    page = world.api.get(f"/console/programmes/rounds/{third['id']}", headers=world.headers["city"]).text
    assert 'id="round-cadence"' in page and "逾期" in page[page.index('id="round-cadence"') :][:400]
