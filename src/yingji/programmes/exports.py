"""A round's list as an xlsx file: every application with its stage, state, scores and notice period."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from yingji.core import xlsx
from yingji.programmes.models import Application, Round
from yingji.programmes.schema import Programme


def round_workbook(
    prog: Programme, rnd: Round, apps: Sequence[Application], on: date, division_names: Mapping[str, str]
) -> bytes:
    """The list a person reads: names of places, stages, states and scores (no bare codes)."""
    keys = sorted({k for a in apps for k in a.scores})
    score_labels = {s.score: s.label for s in prog.stages if s.score}
    header = [
        "编号",
        "申报人",
        "行政区划",
        prog.category_label or "类别",
        "项目",
        "环节",
        "状态",
        *[score_labels.get(k, k) for k in keys],
        "综合评分",
        "公示截止",
    ]
    rows = [
        [
            a.id,
            a.subject_name,
            division_names.get(a.division_code, a.division_code),
            a.category or "",
            a.item_name or "",
            prog.stage(a.stage).label,
            a.state.label,
            *[a.scores.get(k) for k in keys],
            a.composite,
            a.period_ends_on.isoformat() if a.period_ends_on else "",
        ]
        for a in apps
    ]
    title = f"{prog.title}第{rnd.number}届（{on.isoformat()}）"
    return xlsx.workbook([(title, header, rows)])
