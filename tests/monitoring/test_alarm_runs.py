"""Several records' alarm changes written with one call (``apply_change_runs``, the cluster worker's commit) end as
they do written record by record: alarms raised and silently cleared across records, keys reopened, and a flood
grouped run by run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from yingji.monitoring import alarm_store
from yingji.monitoring.alarm_store import AlarmChange
from yingji.monitoring.cluster import scenario
from yingji.monitoring.models import AlarmCondition, AlarmGroup, MonitorPoint

START = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def runs(points: list[int], enterprise_id: int, site_key: str) -> list[list[AlarmChange]]:
    def change(n: int, condition: AlarmCondition, before: int, after: int, second: int) -> AlarmChange:
        return AlarmChange(
            point_id=points[n],
            rule_id="r",
            condition=condition,
            before=before,
            after=after,
            value=None if condition is AlarmCondition.OFFLINE else 1.0 + after,
            at=START + timedelta(seconds=second),
            level_name="报警" if after else "正常",
            site_key=site_key,
            enterprise_id=enterprise_id,
            division_code="150602",
        )

    offline, level = AlarmCondition.OFFLINE, AlarmCondition.LEVEL
    return [
        [change(n, offline, 0, 1, 10) for n in range(4)],  # below the flood threshold (10)
        [change(0, offline, 1, 0, 20), change(1, level, 0, 1, 20)],  # point 0 heard again: closed
        [change(0, offline, 0, 1, 30), change(1, level, 1, 2, 30)]  # a new alarm for point 0
        + [change(n, offline, 0, 1, 30) for n in range(4, 12)],  # now more than 10 in the window: a flood
        [change(12, offline, 0, 1, 40), change(12, offline, 1, 0, 41)],  # raised and heard again in one record
        [change(13, offline, 0, 1, 50), change(1, level, 2, 0, 50)],  # joins the flood
    ]


def outcome(db_session: Session) -> dict[str, Any]:
    db_session.flush()
    events = db_session.execute(
        text(
            "SELECT a.point_id, a.condition, e.kind, e.at, e.level, e.value, e.text, a.group_id IS NULL"
            " FROM alarm_event e JOIN alarm a ON a.id = e.alarm_id"
        )
    ).all()
    alarms = db_session.execute(
        text("SELECT point_id, condition, open_key, active, level, raise_count, cleared_at, closed_at FROM alarm")
    ).all()
    groups = db_session.execute(select(AlarmGroup.opened_at, AlarmGroup.last_joined_at, AlarmGroup.size)).all()
    return {
        "events": sorted((tuple(row) for row in events), key=repr),
        "alarms": sorted((tuple(row) for row in alarms), key=repr),
        "groups": sorted(tuple(row) for row in groups),
    }


def test_runs_in_one_call_end_as_record_by_record(db_session: Session) -> None:
    site = scenario.register(db_session, 1, 16, START - timedelta(days=1))[0]
    points = list(db_session.scalars(select(MonitorPoint.id).where(MonitorPoint.mine_id == site.mine_id)))
    changes = runs(sorted(points), site.enterprise_id, f"mine:{site.mine_id}")
    results = []
    for at_once in (False, True):
        nested = db_session.begin_nested()
        if at_once:
            alarm_store.apply_change_runs(db_session, changes)
        else:
            for run in changes:
                alarm_store.apply_changes(db_session, run)
        results.append(outcome(db_session))
        nested.rollback()
    by_record, together = results
    assert together == by_record
    assert len(by_record["groups"]) == 1 and by_record["groups"][0][2] > 10  # the flood was exercised
    assert sum(row[7] is not None for row in by_record["alarms"]) == 1  # point 0's first alarm closed
