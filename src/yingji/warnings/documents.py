"""预警信息发布单: an issued warning as the signed sheet the issuing body keeps — names and words on the paper (the
colour in words, areas by name, no codes, plan ids or seed lines); the plan's citations in an appendix if asked."""

from __future__ import annotations

from html import escape

from sqlalchemy.orm import Session

from yingji.auth.reads import signatures
from yingji.core.clock import Clock
from yingji.core.errors import InvalidState
from yingji.core.printing import BLANK, clean, local_time, page, rows, table
from yingji.plans import loader
from yingji.registry import divisions
from yingji.rules.levels import WarningLevel
from yingji.warnings import service
from yingji.warnings.models import EarlyWarning, WarningStatus

LEVEL_WORDS = {1: "Ⅰ级", 2: "Ⅱ级", 3: "Ⅲ级", 4: "Ⅳ级"}
# Content a person wrote that tells the public what to do goes under 防御措施/指南; the rest is 预警内容.
GUIDANCE_WORDS = ("措施", "防范", "防御", "指南")


def _citations(warning: EarlyWarning) -> str:
    plan = loader.get(warning.plan_id)
    part = plan.warning
    spec = next((s for s in part.levels if s.level == warning.level), None) if part else None
    refs = [*(spec.basis if spec else []), *(part.fields_basis if part else [])]
    body = [[escape(r.clause), escape(r.quote), escape(r.seed)] for r in refs] or [["—", "", ""]]
    return (
        f"<section class='appendix'><h2>附：发布依据（{escape(plan.metadata.title)}）</h2>"
        + table(["条款", "原文", "出处"], body)
        + "</section>"
    )


def sheet(*, db_session: Session, warning: EarlyWarning, clock: Clock, appendix: bool) -> str:
    """The 预警信息发布单 of an issued (or since lifted) warning; a draft or proposal has none (409)."""
    if warning.issued_at is None or warning.status not in (WarningStatus.ISSUED, WarningStatus.LIFTED):
        raise InvalidState(field="status", reason="预警尚未发布，没有发布单", subcode="warning.sheet.not_issued")
    titles = {plan_id: plan.metadata.title for plan_id, plan in loader.all_plans().items()}
    plan = loader.get(warning.plan_id)
    written = service.user_fields(plan) if plan.warning else []
    extra = [name for name in warning.fields if name not in written and not service.filled_by_platform(name)]
    content: list[tuple[str, str]] = []
    guidance: list[tuple[str, str]] = []
    for name in [*written, *extra]:
        text = warning.fields.get(name)
        if text:
            (guidance if any(w in name for w in GUIDANCE_WORDS) else content).append((name, clean(text, titles)))
    areas = divisions.full_names(db_session, warning.division_codes)
    names = signatures(db_session, [u for u in (warning.issued_by, warning.lifted_by) if u])
    issuer = names.get(warning.issued_by or "", (warning.issued_by or "不详", ""))[0]
    colour = WarningLevel(warning.level).label
    fields = [
        ("发布单位", escape(warning.issuer_body or "不详")),
        ("预警级别", escape(f"{colour}预警（{LEVEL_WORDS[warning.level]}）")),
        ("预警类别", escape(f"{warning.kind.label} · {warning.category}")),
        ("发布时间", escape(local_time(warning.issued_at))),
        ("影响区域", escape("、".join(areas.get(c, c) for c in warning.division_codes))),
        ("有效期", escape(f"至 {local_time(warning.expires_at)}" if warning.expires_at else "至解除时止")),
        (
            "预警内容",
            "".join(f"<p>{escape(k)}：{v}</p>" for k, v in content) or clean(warning.title, titles),
        ),
        ("防御措施/指南", "".join(f"<p>{escape(k)}：{v}</p>" for k, v in guidance) or "—"),
    ]
    if warning.lifted_at is not None:
        fields.append(("解除时间", escape(local_time(warning.lifted_at))))
    signed = f"<table class='sign'><tr><th>发布人</th><td>{escape(issuer)}</td>"
    signed += f"<th>签发人</th><td>{BLANK}</td></tr></table>"
    heading = "预警信息发布单" + ("（演练）" if warning.is_exercise else "")
    body = (
        f"<h1>{escape(heading)}</h1><p class='kind'>{clean(warning.title, titles)}</p>"
        + rows(fields)
        + signed
        + (_citations(warning) if appendix else "")
    )
    return page(title=f"{heading} {warning.title}", printed=local_time(clock.now()), body=body)
