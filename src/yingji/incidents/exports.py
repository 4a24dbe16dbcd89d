"""The incident register as a spreadsheet: the rows the list shows (its scope and filters), in words."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from yingji.core import xlsx
from yingji.incidents.schemas import IncidentSummary


def workbook(rows: Sequence[IncidentSummary], today: date) -> bytes:
    header = ["编号", "事故", "事发地", "行业", "状态", "发生时间", "适用预案", "迟报的报告义务"]
    body = [
        [
            r.id,
            r.title,
            r.division_name,
            r.sector_label,
            r.status_label,
            r.occurred_at,
            "、".join(p.title for p in r.plans),
            r.late,
        ]
        for r in rows
    ]
    return xlsx.workbook([(f"事故登记（{today.isoformat()}）", header, body)])
