"""The networking part of the point read model: what the mine declared beside the rules' own limits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.monitoring.networking.models import DeclaredLimit
from yingji.monitoring.networking.schemas import DeclaredLimitRead, LaxityRead


def declared_limits(db_session: Session, point_ids: set[int]) -> dict[int, DeclaredLimitRead]:
    """point id → what its mine declared (one query for a page of points)."""
    if not point_ids:
        return {}
    rows = db_session.scalars(select(DeclaredLimit).where(DeclaredLimit.point_id.in_(point_ids)))
    return {
        row.point_id: DeclaredLimitRead(
            sensor_type=row.sensor_type,
            location=row.location,
            range_low=row.range_low,
            range_high=row.range_high,
            alarm_high=row.alarm_high,
            alarm_low=row.alarm_low,
            power_cut=row.power_cut,
            recovery=row.recovery,
            power_cut_area=row.power_cut_area,
            lax=[LaxityRead(**item) for item in row.lax],
            lax_label="申报阈值宽于规程" if row.lax else "申报阈值符合规程",
            updated_at=row.updated_at,
        )
        for row in rows
    }
