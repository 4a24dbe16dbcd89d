"""The platform defaults (defaults.yaml) and what each programme's data says for a place: routes, list rules,
filing deadline and scheduled duties — so the services never branch on a programme's name."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from yingji.core import divisions, yamlfile
from yingji.core.errors import NotApplicable
from yingji.core.schemas import YingjiModel
from yingji.property.schema import ComplaintRoute, ContractFiling, ListRule, Programme, Recurring, all_programmes
from yingji.rules import property as rules
from yingji.rules.property import Level

DEFAULTS = Path(__file__).parent / "defaults.yaml"


class Category(YingjiModel):
    name: str
    remit: str


class ComplaintDefaults(YingjiModel):
    response_hours: dict[Level, Annotated[int, Field(gt=0)]]
    completion_days: dict[Level, Annotated[int, Field(gt=0)]]
    confirm_days: Annotated[int, Field(gt=0)]
    categories: Annotated[list[Category], Field(min_length=1)]
    remit_aliases: dict[str, str]
    key_compound_rate: Annotated[float, Field(gt=0)]
    key_compound_count: Annotated[int, Field(gt=0)]

    @model_validator(mode="after")
    def _every_level(self) -> ComplaintDefaults:
        for table in (self.response_hours, self.completion_days):
            missing = set(Level) - set(table)
            if missing:
                raise ValueError(f"缺少层级 {sorted(missing)}")
        return self


class MethodBody(YingjiModel):
    """A credit scoring method as stored (and as a bureau submits a new version)."""

    version: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-]{1,20}$")]
    base: Annotated[float, Field(ge=0, le=100)]
    weights: dict[
        Annotated[
            str,
            Field(
                pattern=r"^(contract_performance|complaint_handling|daily_inspection|street_community_opinion"
                r"|administrative_penalty)$"
            ),
        ],
        Annotated[float, Field(ge=0, le=10)],
    ]
    bands: list[tuple[Annotated[str, Field(pattern=r"^(AAA|AA|A|B|C)$")], Annotated[float, Field(ge=0, le=100)]]]
    red_grades: list[str]
    black_grades: list[str]
    black_on_serious: bool

    @model_validator(mode="after")
    def _bands(self) -> MethodBody:
        grades = [g for g, _ in self.bands]
        if grades != list(rules.GRADE_ORDER):
            raise ValueError(f"bands 须依次给出 {'、'.join(rules.GRADE_ORDER)} 的最低分")
        floors = [f for _, f in self.bands]
        if any(a <= b for a, b in itertools.pairwise(floors)) or floors[-1] != 0:
            raise ValueError("各等级最低分须严格递减，且 C 级为 0 分")
        if set(self.weights) != set(INPUTS):
            raise ValueError(f"weights 须给出全部信用信息来源：{'、'.join(INPUTS)}")
        if set(self.red_grades) & set(self.black_grades) or not set(self.red_grades + self.black_grades) <= set(grades):
            raise ValueError("red_grades 与 black_grades 须为已定义且互不重叠的等级")
        return self

    def method(self) -> rules.Method:
        return rules.Method(
            version=self.version,
            base=self.base,
            weights=dict(self.weights),
            bands=[(g, f) for g, f in self.bands],
            red_grades=frozenset(self.red_grades),
            black_grades=frozenset(self.black_grades),
            black_on_serious=self.black_on_serious,
        )


INPUTS = (
    "contract_performance",
    "complaint_handling",
    "daily_inspection",
    "street_community_opinion",
    "administrative_penalty",
)
INPUT_LABELS = {
    "contract_performance": "合同履行",
    "complaint_handling": "投诉处理",
    "daily_inspection": "日常检查",
    "street_community_opinion": "街道（社区）意见",
    "administrative_penalty": "行政处罚",
}


class Points(YingjiModel):
    min: float
    max: float


class AutoPoints(YingjiModel):
    complaint_substantiated: float
    finding: dict[str, float]


class CreditDefaults(YingjiModel):
    method: MethodBody
    points: Points
    auto: AutoPoints


class ContractDefaults(YingjiModel):
    filing_days: Annotated[int, Field(gt=0)]


class Defaults(YingjiModel):
    complaints: ComplaintDefaults
    contracts: ContractDefaults
    credit: CreditDefaults

    def limits(self) -> rules.Limits:
        return rules.Limits(self.complaints.response_hours, self.complaints.completion_days)

    def category(self, name: str) -> Category | None:
        return next((c for c in self.complaints.categories if c.name == name), None)


@cache
def defaults() -> Defaults:
    return Defaults.model_validate(yamlfile.read(DEFAULTS))


def programme_for(division_code: str) -> Programme:
    """The programme whose division contains the place (the most local one when several do)."""
    found = [p for p in all_programmes().values() if divisions.contains(p.division_code, division_code)]
    if not found:
        raise NotApplicable(plan="物业服务监管方案", reason=f"行政区划 {division_code} 不在任何已载入方案的范围内")
    return max(found, key=lambda p: len(divisions.stem(p.division_code)))


def routes(programme: Programme) -> list[rules.Route]:
    return [
        rules.Route(
            rule_id=r.id,
            remit=r.remit,
            levels=tuple(Level(level) for level in r.levels),
            handler=r.handler,
            seed=r.seed,
            dispatcher=r.dispatcher,
            response_hours=r.response_hours,
            completion_days=r.completion_days,
        )
        for r in programme.rules
        if isinstance(r, ComplaintRoute)
    ]


def list_rules(programme: Programme) -> list[rules.ListRule]:
    return [
        rules.ListRule(
            rule_id=r.id,
            roster=r.roster,
            when=r.when,
            consecutive_years=r.consecutive_years,
            then=tuple(r.then),
            seed=r.seed,
            text=r.text,
        )
        for r in programme.rules
        if isinstance(r, ListRule) and r.subject == "company"
    ]


def filing_due(programme: Programme, signed_on: date) -> tuple[date, str]:
    """(due date, basis) for filing a contract signed on ``signed_on``.

    A programme deadline (Dongsheng: 2024年底前全部备案) binds contracts signed before it; otherwise the platform's
    default period after signing applies.
    """
    for rule in programme.rules:
        if isinstance(rule, ContractFiling) and rule.deadline is not None and signed_on <= rule.deadline:
            return rule.deadline, f"{programme.doc_no}：{rule.text}（{rule.seed}）"
    days = defaults().contracts.filing_days
    return signed_on + timedelta(days=days), f"平台默认：签订后 {days} 日内备案（方案未给期限）"


def filed_with(programme: Programme) -> str | None:
    return next((r.filed_with for r in programme.rules if isinstance(r, ContractFiling) and r.filed_with), None)


def duties(programme: Programme) -> list[Recurring]:
    """The quarterly joint inspections and meetings a street owes (the recurring rules held per street)."""
    wanted = {"joint_inspection", "joint_meeting"}
    return [r for r in programme.rules if isinstance(r, Recurring) and r.activity in wanted]
