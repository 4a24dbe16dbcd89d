"""The warning register as a spreadsheet: the rows the list shows (its scope and filters), in words."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from yingji.core import xlsx
from yingji.warnings.schemas import WarningRead


def workbook(rows: Sequence[WarningRead], today: date) -> bytes:
    header = ["编号", "标题", "类别", "种类", "级别", "状态", "区域", "发布机关", "发布时间", "解除时间", "演练"]
    body = [
        [
            w.id,
            w.title,
            w.category,
            w.kind_label,
            w.colour,
            w.status_label,
            "、".join(a.name for a in w.areas),
            w.issuer_body or "",
            w.issued_at,
            w.lifted_at,
            "是" if w.is_exercise else "",
        ]
        for w in rows
    ]
    return xlsx.workbook([(f"预警登记（{today.isoformat()}）", header, body)])
