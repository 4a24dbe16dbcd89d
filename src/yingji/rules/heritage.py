"""A recognised bearer's years: the annual evaluation grade decides the subsidy, 不合格 opens a one-year rectification
with the subsidy suspended, a second 不合格 cancels, death / waiver / cancellation stop the subsidy from the next
year, an honorary bearer aged 65 in the year of application keeps it, and any 不合格 in the last three years blocks
recommendation upward. Pure: the bearer's history and the rule figures are passed in."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class BearerRules:
    subsidy_grades: frozenset[str]  # 合格及以上
    unqualified: str  # 不合格
    incapable: str  # 丧失传承能力
    disqualified: str  # 取消资格
    rectification_years: int
    honorary_subsidy_age: int
    lookback_years: int


@dataclass(frozen=True, kw_only=True)
class History:
    recognised_year: int
    grades: Mapping[int, str]  # evaluation year → grade
    ended: str | None = None  # deceased | waived | cancelled | honorary
    ended_year: int | None = None
    age_in_end_year: int | None = None  # for an honorary bearer: age in the year of the application


@dataclass(frozen=True, kw_only=True)
class Answer:
    value: bool | None  # None: not decided yet (no evaluation this year)
    reason: str


def in_rectification(rules: BearerRules, history: History, year: int) -> bool:
    """Whether ``year`` falls in a rectification period opened by a 不合格 in one of the preceding years."""
    return any(history.grades.get(year - back) == rules.unqualified for back in range(1, rules.rectification_years + 1))


def subsidy(rules: BearerRules, history: History, year: int) -> Answer:
    """Whether the bearer's 传习补助经费 is paid for ``year``."""
    if year < history.recognised_year:
        return Answer(value=False, reason="尚未认定为市级传承人")
    if history.ended == "honorary" and history.ended_year is not None and year > history.ended_year:
        age = history.age_in_end_year
        if age is not None and age >= rules.honorary_subsidy_age:
            return Answer(
                value=True, reason=f"荣誉传承人，申请当年{age}周岁（≥{rules.honorary_subsidy_age}），仍享受补助"
            )
        return Answer(value=False, reason=f"荣誉传承人，申请当年未满{rules.honorary_subsidy_age}周岁，补助次年停发")
    ended = history.ended in {"deceased", "waived", "cancelled"} and history.ended_year is not None
    if ended and history.ended_year is not None and year > history.ended_year:
        return Answer(value=False, reason=f"{history.ended_year}年去世、放弃或被取消资格，补助从次年开始停发")
    grade = history.grades.get(year)
    if grade is None:
        if in_rectification(rules, history, year):
            return Answer(value=False, reason="整改期内，暂停发放补助")
        return Answer(value=None, reason=f"{year}年度评估尚无结果")
    if grade in rules.subsidy_grades:
        return Answer(value=True, reason=f"{year}年度评估结果为{grade}（合格及以上）")
    if grade == rules.unqualified:
        return Answer(value=False, reason=f"{year}年度评估不合格，整改期{rules.rectification_years}年内暂停发放补助")
    return Answer(value=False, reason=f"{year}年度评估结果为{grade}，不予发放")


def status_after(rules: BearerRules, history: History, year: int, grade: str) -> str | None:
    """The status change a new evaluation grade causes: 取消资格, or a second 不合格 after rectification → cancelled."""
    if grade == rules.disqualified:
        return "cancelled"
    if grade == rules.unqualified and in_rectification(rules, history, year):
        return "cancelled"
    return None


def may_recommend(rules: BearerRules, history: History, year: int, active: Collection[str | None]) -> Answer:
    """ "近三年的评估结果…其中一个年度评估不合格的市级传承人不予推荐" (upward to region / nation)."""
    if history.ended not in active:
        return Answer(value=False, reason="已不是在册市级传承人")
    window = range(year - rules.lookback_years + 1, year + 1)
    bad = [y for y in window if history.grades.get(y) == rules.unqualified]
    if bad:
        return Answer(value=False, reason=f"近{rules.lookback_years}年中{bad[0]}年度评估不合格，不予推荐")
    return Answer(value=True, reason=f"近{rules.lookback_years}年无不合格评估结果")
