"""report_deadlines(), release_authority(), supplementary_window_days(): 信息报告 and 信息发布."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from yingji.plans.schema import PublicRelease, ReleaseRule, ReportForm, Reporting, ReportStep, Timing
from yingji.rules import national
from yingji.rules.basis import Basis, Decision
from yingji.rules.levels import Grade

RULE = "report_deadlines"


@dataclass(frozen=True, kw_only=True)
class ReportDeadline:
    """One notification obligation: ``from_body`` must report to ``to`` within the window after it learns."""

    from_body: str
    to: tuple[str, ...]
    timing: Timing
    within_minutes: int | None
    form: ReportForm
    latest_minutes: int  # worst case from the first report, if every earlier hop used its whole window
    due_at: datetime | None
    basis: Basis
    statutory_basis: Basis | None = None  # set when Decree 493 supplies the number the plan leaves out


def _window(step: ReportStep) -> tuple[Timing, int | None, Basis | None]:
    """Return the hop's timing; where the plan gives no number Decree 493's outer limits apply: the unit's report
    within 1 hour (第九条), each level up within 2 hours (第十一条). “立即” stays the duty; the number is the deadline.
    """
    if step.timing is Timing.WITHIN:
        return step.timing, step.within_minutes, None
    if step.unit_report:
        basis = national.decree_basis(RULE, "第九条", "单位负责人接到报告后，应当于1小时内向事故发生地县级以上人民政府")
        return Timing.WITHIN, national.REPORTING.unit_head_minutes, basis
    if step.level_up:
        basis = national.decree_basis(RULE, "第十一条", "每级上报的时间不得超过2小时")
        return Timing.WITHIN, national.REPORTING.per_level_minutes, basis
    return step.timing, step.within_minutes, None


def applicable_steps(reporting: Reporting, grade: Grade) -> list[ReportStep]:
    """Return the chain's hops that apply to an accident of this grade."""
    return [s for s in reporting.steps if s.min_grade is None or grade <= s.min_grade]


def report_deadlines(
    reporting: Reporting, grade: Grade, *, plan_id: str, known_at: datetime | None = None
) -> Decision[tuple[ReportDeadline, ...]]:
    """Return every hop with its window; with ``known_at`` (first report received) each gets a due time.

    A hop's clock starts when its sender receives the report, i.e. at the latest deadline of the hop that reached
    it; "立即" and "及时" count as zero minutes for that worst-case sum.
    """
    received: dict[str, int] = {reporting.first_reporter: 0}
    deadlines: list[ReportDeadline] = []
    for step in applicable_steps(reporting, grade):
        timing, minutes, statutory = _window(step)
        start = received.get(step.from_body, 0)
        latest = start + (minutes or 0)
        for body in step.to:
            received[body] = min(received.get(body, latest), latest)
        deadlines.append(
            ReportDeadline(
                from_body=step.from_body,
                to=tuple(step.to),
                timing=timing,
                within_minutes=minutes,
                form=step.form,
                latest_minutes=latest,
                due_at=None if known_at is None else known_at + timedelta(minutes=latest),
                basis=step.basis.to_basis(rule=RULE, plan=plan_id),
                statutory_basis=statutory,
            )
        )
    basis = tuple(b for d in deadlines for b in (d.basis, d.statutory_basis) if b is not None)
    return Decision(tuple(deadlines), basis)


def report_reach(grade: Grade) -> Decision[str]:
    """Return how high a report of this grade must go (Decree 493 第十条); plans may require more."""
    quote = {
        Grade.EXTRAORDINARY: "特别重大事故、重大事故逐级上报至国务院安全生产监督管理部门",
        Grade.MAJOR: "特别重大事故、重大事故逐级上报至国务院安全生产监督管理部门",
        Grade.LARGER: "较大事故逐级上报至省、自治区、直辖市人民政府安全生产监督管理部门",
        Grade.ORDINARY: "一般事故上报至设区的市级人民政府安全生产监督管理部门",
    }[grade]
    return Decision(national.REPORT_REACH[grade], (national.decree_basis("report_reach", "第十条", quote),))


def release_rule(
    release: PublicRelease, grade: Grade, *, sensitive: bool, plan_id: str
) -> Decision[ReleaseRule | None]:
    """Return the release rule for this grade; a sensitive case may move up to a higher body (特殊时段、敏感)."""
    if sensitive:
        for rule in release.rules:
            if grade in rule.sensitive_grades:
                return Decision(rule, (rule.basis.to_basis(rule="release_authority", plan=plan_id),))
    for rule in release.rules:
        if grade in rule.grades:
            return Decision(rule, (rule.basis.to_basis(rule="release_authority", plan=plan_id),))
    return Decision(None, (), notes=("本预案未规定该等级事故的信息发布机关，按国家和自治区有关规定执行",))


def release_authority(release: PublicRelease, grade: Grade, *, sensitive: bool, plan_id: str) -> Decision[str | None]:
    """Return who releases information to the public for this grade."""
    found = release_rule(release, grade, sensitive=sensitive, plan_id=plan_id)
    return Decision(None if found.value is None else found.value.body, found.basis, notes=found.notes)


def supplementary_window_days(accident_type: str | None) -> Decision[int]:
    """Return how long casualty changes must still be reported (第十三条: 30 days; road traffic and fire 7)."""
    if accident_type in national.ROAD_OR_FIRE:
        days = national.REPORTING.supplementary_days_road_fire
        quote = "道路交通事故、火灾事故自发生之日起7日内"
    else:
        days = national.REPORTING.supplementary_days
        quote = "自事故发生之日起30日内"
    return Decision(days, (national.decree_basis("supplementary_window_days", "第十三条", quote),))
