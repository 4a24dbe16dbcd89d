"""/metrics (issue 24 item 6): the Prometheus text format a scraper's account reads — readings and batch time per
channel, the engine's ownership, active alarms, the notice backlog and its lag — and nobody else."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.orm import Session

from tests import factories
from tests.monitoring.conftest import CORNER, Site
from yingji.auth.roles import Role

pytestmark = pytest.mark.db


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_a_scraper_reads_the_counts_and_others_are_refused(site: Site, db_session: Session) -> None:
    factories.user(db_session, "prometheus", Role.OPERATOR, division=None)
    scraper = {"Authorization": f"Bearer {factories.token_for(db_session, 'prometheus')}"}
    before = samples(site.client.get("/metrics", headers=scraper).text)
    site.point(CORNER)
    now = site.now_ms()
    sent = site.send([("CH4-01", now + 1000, 0.3), ("CH4-01", now + 2000, 1.6), ("NO-SUCH", now, 1.0)])
    assert sent["accepted"] == 2, sent
    answer = site.client.get("/metrics", headers=scraper)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    after = samples(answer.text)
    received = ("yingji_readings_total", (("channel", "http"), ("outcome", "received")))
    accepted = ("yingji_readings_total", (("channel", "http"), ("outcome", "accepted")))
    assert after[received] - before.get(received, 0) == 3 and after[accepted] - before.get(accepted, 0) == 2
    batches = ("yingji_ingest_batch_seconds_count", (("channel", "http"),))
    assert after[batches] - before.get(batches, 0) == 1
    assert after[("yingji_alarms_active", ())] >= 1  # 1.6 % CH4 at an upper corner raises
    assert after[("yingji_engine_owner", ())] == 1
    assert ("yingji_outbox_oldest_pending_seconds", ()) in after and ("yingji_outbox_pending", ()) in after
    # the scraper's account reads counts only: no records
    assert site.client.get("/api/monitoring/alarms", headers=scraper).status_code == 403
    assert site.client.get("/metrics", headers=site.officer).status_code == 403
    assert site.client.get("/metrics").status_code == 401
