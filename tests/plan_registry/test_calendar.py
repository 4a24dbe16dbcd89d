"""The legal plan calendar: cadence rows (regulations.md §2–3), working-day filing deadlines across holidays."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.plan_registry.schema import cadence_table
from yingji.rules.calendar import WorkCalendar
from yingji.rules.plan_calendar import PlanFacts, add_months, cadence_for, plan_calendar

CALENDAR = WorkCalendar()


def facts(holder: str = "government", plan_type: str = "special", **extra: object) -> PlanFacts:
    values: dict[str, object] = {
        "holder": holder,
        "plan_type": plan_type,
        "production_safety": True,
        "high_risk": False,
        "issued_on": date(2025, 9, 25),
        "filed_on": None,
        "last_drill_on": None,
        "last_evaluation_on": None,
    } | extra
    return PlanFacts(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("plan", "cadence", "drill_months", "evaluation_months"),
    [
        # 708号 第八条 (regulations.md#L188): governments' production-safety plans every 2 years
        (facts(), "government-production-safety", 24, 36),
        # 国办发〔2024〕5号 第三十二条 (#L167): other special and department plans every 3 years
        (facts(production_safety=False), "government-other", 36, 36),
        (facts("department", "department", production_safety=False), "government-other", 36, 36),
        # 708号 第八条 / 令第2号 第三十三条第二款 (#L136, #L188): high-risk units every half year, any plan type
        (facts("enterprise", "comprehensive", high_risk=True), "enterprise-high-risk", 6, 36),
        # 令第2号 第三十三条第一款 (#L135): on-site plans half-yearly, comprehensive/special yearly
        (facts("enterprise", "on_site"), "enterprise-on-site", 6, None),
        (facts("enterprise", "enterprise_special"), "enterprise-comprehensive-special", 12, None),
    ],
)
def test_cadence_rows(plan: PlanFacts, cadence: str, drill_months: int, evaluation_months: int | None) -> None:
    row = cadence_for(plan, cadence_table())
    assert (row.id, row.drill_months, row.evaluation_months) == (cadence, drill_months, evaluation_months)
    assert all(b.source and b.source.startswith("regulations.md#L") for b in row.basis)


@pytest.mark.parametrize(
    ("issued", "due"),
    [
        # National Day 2025: 1–8 Oct off, Sun 28 Sep and Sat 11 Oct worked
        (date(2025, 9, 25), date(2025, 10, 29)),
        # Spring Festival 2026: 15–23 Feb off, Sat 14 Feb and Sat 28 Feb worked
        (date(2026, 2, 10), date(2026, 3, 16)),
    ],
)
def test_filing_is_due_20_working_days_after_issue_across_holidays(issued: date, due: date) -> None:
    """国办发〔2024〕5号 第二十六条 / 令第2号 第二十六条 (regulations.md#L165, #L132): 20 个工作日内备案."""
    late = plan_calendar(facts(issued_on=issued), cadence_table(), CALENDAR, today=due)
    assert late.filing.on == due and not late.filing.overdue  # the last day itself is in time
    after = plan_calendar(
        facts(issued_on=issued), cadence_table(), CALENDAR, today=date.fromordinal(due.toordinal() + 1)
    )
    assert after.filing.overdue
    filed = plan_calendar(facts(issued_on=issued, filed_on=due), cadence_table(), CALENDAR, today=date(2027, 1, 1))
    assert not filed.filing.overdue


def test_next_drill_counts_from_the_last_drill() -> None:
    never = plan_calendar(facts(), cadence_table(), CALENDAR, today=date(2027, 9, 26))
    assert never.next_drill.on == date(2027, 9, 25) and never.next_drill.overdue
    drilled = plan_calendar(facts(last_drill_on=date(2026, 6, 1)), cadence_table(), CALENDAR, today=date(2027, 9, 26))
    assert drilled.next_drill.on == date(2028, 6, 1) and not drilled.next_drill.overdue
    assert drilled.next_evaluation.on == date(2028, 9, 25)


def test_enterprises_without_evaluation_duty_have_no_evaluation_date() -> None:
    row = plan_calendar(facts("enterprise", "on_site"), cadence_table(), CALENDAR, today=date(2030, 1, 1))
    assert row.next_evaluation.on is None and not row.next_evaluation.overdue and row.filing.on is None


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2025, 1, 15), 24, date(2027, 1, 15)),
    ],
)
def test_add_months_clamps_to_the_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 120))
def test_add_months_lands_in_the_right_month(day: date, months: int) -> None:
    later = add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or later.day < day.day


def test_a_gap_in_the_cadence_table_is_a_clear_data_error() -> None:
    from yingji.core.errors import PlanInvalid

    with pytest.raises(PlanInvalid) as refused:
        cadence_for(facts("enterprise", "on_site"), [row for row in cadence_table() if "enterprise" not in row.holders])
    assert "cadence.yaml" in refused.value.render()
