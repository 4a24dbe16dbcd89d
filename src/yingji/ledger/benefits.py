"""Fire-rescue benefit eligibility on the campaign that carries it (杭政办发〔2024〕32号, seed 004#L29-L99): who may
ask (officers whose jurisdiction covers the campaign's; an enterprise account is refused), and the answer of
rules/fire_rescue.py over the campaign's cited rows, every row with its seed line and words. Nothing is stored."""

from __future__ import annotations

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.errors import Forbidden, NotFound
from yingji.ledger.schema import BenefitRow, BenefitRules, Campaign, Cited, campaigns
from yingji.ledger.schemas import (
    BenefitBasisRead,
    BenefitCheckRead,
    BenefitFindingRead,
    BenefitIn,
    BenefitRowRead,
    BenefitRulesRead,
)
from yingji.rules import fire_rescue as rules

COVERAGE_LABELS = {
    rules.Outcome.ELIGIBLE: "属于优待对象",
    rules.Outcome.NOT_COVERED: "不属于优待对象",
    rules.Outcome.UNSTATED: "通知未明确",
}


def campaign_of(actor: Actor, campaign_id: str) -> tuple[Campaign, BenefitRules]:
    """The campaign and its benefit rules: 403 for an enterprise account, 404 where the caller's area does not reach."""
    actor.require(Permission.PLANS_READ)
    if actor.organisation_id is not None:
        raise Forbidden(
            subcode="ledger.benefits.not_officer", reason="优待资格由旗直部门、苏木镇核对，企业账号不能查询"
        )
    found = campaigns().get(campaign_id)
    if found is None or found.benefits is None or not actor.covers_division(found.division_code):
        raise NotFound(field="campaign_id", kind="优待资格规则", key=campaign_id)
    return found, found.benefits


def visible(actor: Actor) -> list[Campaign]:
    """The campaigns with benefit rules the caller may check (the ledger page offers their form)."""
    if not actor.has(Permission.PLANS_READ) or actor.organisation_id is not None:
        return []
    return [c for c in campaigns().values() if c.benefits is not None and actor.covers_division(c.division_code)]


def subjects(found: BenefitRules) -> rules.Subjects:
    s = found.subjects
    return rules.Subjects(
        teams=frozenset(s.teams), statuses=frozenset(s.statuses), clerk_statuses=frozenset(s.clerk_statuses)
    )


def _basis(campaign: Campaign, cited: Cited, clause: str) -> BenefitBasisRead:
    return BenefitBasisRead(clause=f"{campaign.doc_no or campaign.title} {clause}", seed=cited.seed, quote=cited.quote)


def _row(campaign: Campaign, row: BenefitRow) -> BenefitRowRead:
    titles = {m.code: m.title for m in campaign.measures}
    return BenefitRowRead(
        code=row.code,
        measure=row.measure,
        measure_title=titles[row.measure],
        label=row.label,
        beneficiary=row.beneficiary,
        beneficiary_label=row.beneficiary.label,
        test=row.test,
        test_label=row.test.label,
        years=row.years,
        companions=row.companions,
        basis=[_basis(campaign, row, f"二（{row.measure}）{titles[row.measure]}")],
    )


def rules_read(actor: Actor, campaign_id: str) -> BenefitRulesRead:
    campaign, found = campaign_of(actor, campaign_id)
    return BenefitRulesRead(
        campaign_id=campaign.id,
        title=campaign.title,
        doc_no=campaign.doc_no,
        teams=[t.label for t in found.subjects.teams],
        statuses=[s.label for s in found.subjects.statuses],
        clerk_statuses=[s.label for s in found.subjects.clerk_statuses],
        subjects_basis=_basis(campaign, found.subjects, "一、优待对象"),
        fallback_basis=_basis(campaign, found.fallback, "未提及的事项"),
        rows=[_row(campaign, r) for r in found.rows],
    )


def _inputs(data: BenefitIn) -> dict[str, str]:
    shown = {
        "所在队伍": data.team.label + ("（全旗）" if data.in_banner else "（非全旗）"),
        "身份": data.status.label + ("（消防文员）" if data.clerk else ""),
        "户籍所在地为杭锦旗": "是" if data.hukou_in_banner else "否",
        "入职年限": f"{data.service_years.normalize():f} 年",
        "随同出行的家属": f"{data.companions} 人",
    }
    if data.death is not None:
        shown["去世情形"] = data.death.label
    return shown


def check(actor: Actor, campaign_id: str, data: BenefitIn) -> BenefitCheckRead:
    """Whether the person is a subject of the notice and which benefits the person (or the family) enjoys."""
    campaign, found = campaign_of(actor, campaign_id)
    person = rules.Person(
        team=data.team,
        status=data.status,
        in_banner=data.in_banner,
        clerk=data.clerk,
        hukou_in_banner=data.hukou_in_banner,
        service_years=data.service_years,
        death=data.death,
        companions=data.companions,
    )
    answer = rules.check(subjects(found), found.rows, person)
    fallback = _basis(campaign, found.fallback, "未提及的事项")
    rows = {r.code: _row(campaign, r) for r in found.rows}
    return BenefitCheckRead(
        campaign_id=campaign.id,
        title=campaign.title,
        doc_no=campaign.doc_no,
        inputs=_inputs(data),
        coverage=answer.coverage,
        coverage_label=COVERAGE_LABELS.get(answer.coverage, answer.coverage.label),
        reason=answer.reason,
        subjects_basis=_basis(campaign, found.subjects, "一、优待对象"),
        fallback_basis=fallback,
        findings=[
            BenefitFindingRead(
                **rows[f.code].model_dump(exclude={"basis"}),
                basis=rows[f.code].basis + ([fallback] if f.fallback else []),
                outcome=f.outcome,
                outcome_label=f.outcome.label,
                detail=f.detail,
            )
            for f in answer.findings
        ],
    )
