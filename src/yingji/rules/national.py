"""National defaults the plans rest on (Decree 493 and its kin), with their legal source.

Plans override these where they are stricter; a value here applies only where a plan is silent.
"""

from __future__ import annotations

from dataclasses import dataclass

from yingji.rules.basis import Basis
from yingji.rules.levels import Grade

DECREE_493 = "生产安全事故报告和调查处理条例（国务院令第493号）"


def decree_basis(rule: str, article: str, quote: str | None = None) -> Basis:
    """Return a basis citing Decree 493 (regulations.md §1, confidence [A])."""
    return Basis(rule=rule, plan="national", clause=article, source=DECREE_493, quote=quote)


@dataclass(frozen=True, kw_only=True)
class ReportingDefaults:
    """第九条 the unit head within 1 h; 第十一条 each level within 2 h; 第十三条 supplementary reports within 30 (road
    traffic, fire: 7) days. Plans are stricter where they give numbers; these apply where a plan says only 立即/及时.
    """

    unit_head_minutes: int = 60
    per_level_minutes: int = 120
    supplementary_days: int = 30
    supplementary_days_road_fire: int = 7


REPORTING = ReportingDefaults()

# 第十条: how high a report must go, by grade.
REPORT_REACH = {
    Grade.EXTRAORDINARY: "国务院安全生产监督管理部门（应急管理部）",
    Grade.MAJOR: "国务院安全生产监督管理部门（应急管理部）",
    Grade.LARGER: "省级安全生产监督管理部门（自治区应急管理厅）",
    Grade.ORDINARY: "设区的市级安全生产监督管理部门（市应急管理局）",
}

ROAD_OR_FIRE = frozenset({"road_traffic", "fire"})  # 道路交通事故、火灾事故
