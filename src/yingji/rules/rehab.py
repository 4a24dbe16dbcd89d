"""Work-injury rehabilitation claims: what the fund does not pay (包人社办发〔2025〕20号 第十七条) and the
cost-monitoring warnings (第十八条) raised from the claims of a case.
Pure: the case's dates and the claim are passed in."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, kw_only=True)
class CaseFacts:
    approved_on: date | None  # 康复审批（备案或专家评估通过）之日
    ends_on: date | None  # 康复期满或结束之日
    injured_parts: Collection[str]
    agreement_years: Collection[int]  # years the institution holds a service agreement


@dataclass(frozen=True, kw_only=True)
class ClaimFacts:
    service_on: date
    category_refusal: str | None  # the category's own refusal (生活用品)
    body_part: str | None
    amount: Decimal


def refusal(case: CaseFacts, claim: ClaimFacts) -> str | None:
    """The non-payable ground of a claim, in the order of 第十七条, or None when the fund pays it."""
    if claim.category_refusal is not None:
        return claim.category_refusal
    if claim.body_part is not None and claim.body_part not in case.injured_parts:
        return "non_injury_part"
    if case.ends_on is not None and claim.service_on > case.ends_on:
        return "after_end"
    if case.approved_on is None or claim.service_on < case.approved_on:
        return "unapproved"
    if claim.service_on.year not in case.agreement_years:
        return "other"  # 非协议期内的机构发生的费用
    return None


@dataclass(frozen=True, kw_only=True)
class Warning:
    rule: str
    message: str


def warnings(
    claim: ClaimFacts,
    refused: str | None,
    refusal_label: str | None,
    same_day: Sequence[Decimal],
    case_total: Decimal,
    daily_limit: Decimal,
    case_limit: Decimal,
    duplicate: bool,
) -> list[Warning]:
    """The monitoring warnings one new claim raises (``same_day`` and ``case_total`` include the claim)."""
    found = []
    if refused is not None:
        found.append(Warning(rule=refused, message=f"不予支付：{refusal_label}"))
    day_total = sum(same_day, Decimal(0))
    if day_total > daily_limit:
        found.append(
            Warning(
                rule="daily_limit",
                message=f"{claim.service_on.isoformat()} 当日费用 {day_total} 元，超过 {daily_limit} 元",
            )
        )
    if case_total > case_limit and case_total - claim.amount <= case_limit:
        found.append(Warning(rule="case_limit", message=f"累计费用 {case_total} 元，超过 {case_limit} 元"))
    if duplicate:
        found.append(Warning(rule="duplicate", message="同一日期、项目、金额的费用重复上传"))
    return found
