"""Who enjoys which of 杭锦旗's preferential treatments for fire-rescue personnel (杭政办发〔2024〕32号,
seed 004#L29-L99).

The notice names its subjects (serving personnel of the banner's national and government full-time teams, clerks
included, and disabled and retired personnel: L31-L35) and seven measures; a few carry a condition the notice itself
states (two companions in principle, a Hangjin household registration and two years' work for the door plaque, 5/10/15
years for the medals, the bereaved families of martyrs and of those who died on duty or of illness), a few say only
“符合条件的” (housing, the unemployed family member's allowance) and what the notice leaves open goes to the region's
and city's rules (L101). Pure: the benefit rows (data, cited) and the person's facts are passed in.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from yingji.core.errors import InvalidInput
from yingji.core.labels import LabelledEnum


class Team(LabelledEnum):
    NATIONAL = "national", "国家综合性消防救援队伍"
    GOVERNMENT = "government", "政府专职消防队伍"
    ENTERPRISE = "enterprise", "企业专职消防队"
    VOLUNTEER = "volunteer", "志愿消防队"
    OTHER = "other", "其他"


class Status(LabelledEnum):
    SERVING = "serving", "在职"
    DISABLED = "disabled", "残疾"
    RETIRED = "retired", "离退休"
    DECEASED = "deceased", "已故"


class Death(LabelledEnum):
    """How a deceased member died: the three kinds of bereaved family the notice names (L87-L89)."""

    MARTYR = "martyr", "消防烈士"
    ON_DUTY = "on_duty", "因公牺牲"
    ILLNESS = "illness", "病故"
    OTHER = "other", "其他原因去世"


class Outcome(LabelledEnum):
    ELIGIBLE = "eligible", "享受"
    CONDITIONAL = "conditional", "符合条件的享受"
    NOT_ELIGIBLE = "not_eligible", "不享受"
    NOT_COVERED = "not_covered", "不属于优待对象"
    UNSTATED = "unstated", "通知未明确，按自治区和市级有关规定"


class Beneficiary(LabelledEnum):
    PERSON = "person", "本人"
    PERSON_AND_CHILDREN = "person_and_children", "本人及子女"
    FAMILY = "family", "家属（家庭）"
    BEREAVED_FAMILY = "bereaved_family", "遗属家庭"


class Test(LabelledEnum):
    """How a benefit row is decided: any subject, a subject 符合条件的, the plaque's and medals' years, the bereaved."""

    COVERED = "covered", "优待对象即享受"
    CONDITIONAL = "conditional", "符合条件的享受"
    PLAQUE = "plaque", "户籍在本旗且工作满规定年限"
    MEDAL = "medal", "入职满规定年限"
    BEREAVED = "bereaved", "烈士、因公牺牲、病故人员遗属"


class BenefitLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def measure(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def beneficiary(self) -> Beneficiary: ...
    @property
    def test(self) -> Test: ...
    @property
    def years(self) -> int | None: ...
    @property
    def companions(self) -> int | None: ...
    @property
    def seed(self) -> str: ...
    @property
    def quote(self) -> str: ...


@dataclass(frozen=True, kw_only=True)
class Subjects:
    """一、优待对象: the team kinds and statuses named, and the statuses under which clerks (消防文员) are named."""

    teams: frozenset[Team]
    statuses: frozenset[Status]
    clerk_statuses: frozenset[Status]


@dataclass(frozen=True, kw_only=True)
class Person:
    team: Team
    status: Status
    in_banner: bool  # a member of the banner's (全旗) team
    clerk: bool = False  # 消防文员
    hukou_in_banner: bool = False  # 户籍所在地为杭锦旗
    service_years: Decimal = Decimal(0)  # years since joining (入职)
    death: Death | None = None
    companions: int = 0  # family members travelling with the person


@dataclass(frozen=True, kw_only=True)
class Finding:
    code: str
    measure: str
    label: str
    beneficiary: Beneficiary
    outcome: Outcome
    detail: str | None
    seed: str
    quote: str
    fallback: bool = False  # the answer rests on L101 (the region's and city's rules), cited beside the row


@dataclass(frozen=True, kw_only=True)
class Answer:
    coverage: Outcome  # ELIGIBLE: a subject of the notice
    reason: str
    findings: tuple[Finding, ...]


def _years(value: Decimal) -> str:
    return f"{value.normalize():f}"


def coverage(subjects: Subjects, person: Person) -> tuple[Outcome, str]:
    """Whether the person is one of the notice's subjects (L31-L35), and why in words."""
    if person.team not in subjects.teams:
        return Outcome.NOT_COVERED, f"{person.team.label}人员不在优待对象之列"
    if not person.in_banner:
        return Outcome.NOT_COVERED, "不属于全旗（杭锦旗）的消防救援队伍"
    if person.status is Status.DECEASED:
        return (
            Outcome.NOT_COVERED,
            "已故人员不在优待对象之列；其遗属家庭见“消防员荣誉家庭”门牌，其余按上级规定",
        )
    if person.status not in subjects.statuses:
        return Outcome.NOT_COVERED, f"{person.status.label}人员不在优待对象之列"
    if person.clerk and person.status not in subjects.clerk_statuses:
        return (
            Outcome.UNSTATED,
            f"通知只把在职消防文员列为优待对象，{person.status.label}消防文员未明确，按自治区和市级有关规定执行",
        )
    who = "消防文员" if person.clerk else "消防救援人员"
    return Outcome.ELIGIBLE, f"全旗{person.team.label}{person.status.label}{who}，属于优待对象"


def _decide(subjects: Subjects, row: BenefitLike, person: Person, covered: Outcome) -> tuple[Outcome, str | None, bool]:
    """One row's outcome for a person whose coverage is known; the flag says the answer rests on L101."""
    if row.test is Test.BEREAVED:
        if person.team not in subjects.teams or not person.in_banner:
            return Outcome.NOT_COVERED, "不是全旗消防救援队伍人员的遗属", False
        if person.status is not Status.DECEASED or person.death is None or person.death is Death.OTHER:
            return Outcome.NOT_ELIGIBLE, "仅限消防烈士、因公牺牲、病故人员的遗属家庭", False
        return Outcome.ELIGIBLE, f"{person.death.label}人员的遗属家庭", False
    if person.status is Status.DECEASED and person.team in subjects.teams and person.in_banner:
        return Outcome.UNSTATED, "已故人员遗属的此项优待通知未明确", True
    if covered is Outcome.NOT_COVERED:
        return Outcome.NOT_COVERED, None, False
    if covered is Outcome.UNSTATED:
        return Outcome.UNSTATED, None, True
    if row.test is Test.CONDITIONAL:
        return Outcome.CONDITIONAL, "通知写明“符合条件的”，具体条件按相关保障政策认定", False
    if row.test is Test.PLAQUE:
        need = Decimal(row.years or 0)
        if not person.hukou_in_banner:
            return Outcome.NOT_ELIGIBLE, "户籍所在地不是杭锦旗", False
        if person.service_years < need:
            return Outcome.NOT_ELIGIBLE, f"工作{_years(person.service_years)}年，未满{row.years}年", False
        return Outcome.ELIGIBLE, f"户籍在杭锦旗，工作{_years(person.service_years)}年（满{row.years}年以上）", False
    if row.test is Test.MEDAL:
        need = Decimal(row.years or 0)
        if person.service_years < need:
            gap = _years(need - person.service_years)
            return Outcome.NOT_ELIGIBLE, f"入职{_years(person.service_years)}年，再满{gap}年颁发", False
        return Outcome.ELIGIBLE, f"入职{_years(person.service_years)}年（满{row.years}年）", False
    if row.companions is not None:
        most = row.companions
        if person.companions > most:
            return Outcome.ELIGIBLE, f"同行家属{person.companions}人，原则上不超过{most}人同享", False
        return Outcome.ELIGIBLE, f"同行家属{person.companions}人同享，不需出具关系证明", False
    return Outcome.ELIGIBLE, None, False


def check(subjects: Subjects, rows: Sequence[BenefitLike], person: Person) -> Answer:
    """Every benefit row's outcome for ``person``, in the rows' order, with the person's coverage first.

    InvalidInput (field ``death``) when how a member died is missing for the deceased or given for the living.
    """
    if (person.status is Status.DECEASED) != (person.death is not None):
        reason = "已故人员须填写去世情形" if person.death is None else "只有已故人员填写去世情形"
        raise InvalidInput(field="death", reason=f"death：{reason}")
    covered, reason = coverage(subjects, person)
    findings = []
    for row in rows:
        outcome, detail, fallback = _decide(subjects, row, person, covered)
        findings.append(
            Finding(
                code=row.code,
                measure=row.measure,
                label=row.label,
                beneficiary=row.beneficiary,
                outcome=outcome,
                detail=detail,
                seed=row.seed,
                quote=row.quote,
                fallback=fallback,
            )
        )
    return Answer(coverage=covered, reason=reason, findings=tuple(findings))


def enjoyed(answer: Answer, outcomes: Collection[Outcome] = (Outcome.ELIGIBLE, Outcome.CONDITIONAL)) -> list[str]:
    """The codes of the rows the person enjoys (or may, 符合条件的)."""
    return [f.code for f in answer.findings if f.outcome in outcomes]
