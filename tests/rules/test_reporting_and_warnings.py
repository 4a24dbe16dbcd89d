"""Reporting clocks, release authority, 谁发布谁解除, 谁启动谁终止, warning content and actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from yingji.core.errors import NotFound
from yingji.plans.loader import all_plans
from yingji.plans.schema import Plan
from yingji.rules.levels import Grade, WarningLevel
from yingji.rules.meteorological import combined_level, network_sms_required
from yingji.rules.reporting import release_authority, report_deadlines, report_reach, supplementary_window_days
from yingji.rules.response import may_end
from yingji.rules.warning_levels import actions_for, issuer_for, may_lift, missing_fields

KNOWN_AT = datetime(2026, 11, 22, 19, 0, tzinfo=UTC)  # 03:00 Beijing time


def plan(plan_id: str) -> Plan:
    return all_plans()[plan_id]


def test_baotou_chain_stops_at_the_city_for_an_ordinary_accident() -> None:
    """Each level ≤ 1 h (000#L522); an 一般 accident goes no higher than the city (Decree 493 第十条)."""
    reporting = plan("baotou-noncoal-2025").reporting
    assert reporting is not None
    ordinary = report_deadlines(reporting, Grade.ORDINARY, plan_id="baotou-noncoal-2025", known_at=KNOWN_AT).value
    recipients = {body for d in ordinary for body in d.to}
    assert "内蒙古自治区应急管理厅" not in recipients
    larger = report_deadlines(reporting, Grade.LARGER, plan_id="baotou-noncoal-2025", known_at=KNOWN_AT).value
    region = next(d for d in larger if "内蒙古自治区应急管理厅" in d.to)
    assert region.latest_minutes == 180  # mine head 60 + county 60 + city 60
    assert region.due_at == KNOWN_AT + timedelta(minutes=180)


@pytest.mark.parametrize("plan_id", ["dongsheng-2024", "ordos-industry-trade-2024", "ordos-noncoal-2024"])
def test_ordos_plans_require_phone_in_30_and_writing_in_60(plan_id: str) -> None:
    """Dongsheng 001#L2699-2759, Ordos 003#L12 / 003#L16: 30分钟内电话报告、1小时内书面报告."""
    reporting = plan(plan_id).reporting
    assert reporting is not None
    hops = report_deadlines(reporting, Grade.ORDINARY, plan_id=plan_id).value
    forms = {(d.form.value, d.within_minutes) for d in hops}
    assert {("phone", 30), ("written", 60)} <= forms


def test_due_times_follow_the_chain() -> None:
    reporting = plan("ordos-noncoal-2024").reporting
    assert reporting is not None
    hops = report_deadlines(reporting, Grade.LARGER, plan_id="ordos-noncoal-2024", known_at=KNOWN_AT).value
    for hop in hops:
        assert hop.due_at == KNOWN_AT + timedelta(minutes=hop.latest_minutes)
        assert hop.latest_minutes >= (hop.within_minutes or 0)


@pytest.mark.parametrize(("accident_type", "days"), [(None, 30), ("collapse", 30), ("road_traffic", 7), ("fire", 7)])
def test_supplementary_window(accident_type: str | None, days: int) -> None:
    """Decree 493 第十三条: casualty changes within 30 days; road traffic and fire within 7."""
    decision = supplementary_window_days(accident_type)
    assert decision.value == days
    assert decision.basis[0].clause == "第十三条"


@pytest.mark.parametrize("plan_id", ["dongsheng-2024", "ordos-industry-trade-2024", "ordos-noncoal-2024"])
def test_sensitive_ordinary_accident_is_released_by_the_city_propaganda_department(plan_id: str) -> None:
    release = plan(plan_id).public_release
    assert release is not None
    plain = release_authority(release, Grade.ORDINARY, sensitive=False, plan_id=plan_id).value
    sensitive = release_authority(release, Grade.ORDINARY, sensitive=True, plan_id=plan_id).value
    larger = release_authority(release, Grade.LARGER, sensitive=False, plan_id=plan_id).value
    assert plain != sensitive
    assert sensitive == larger
    assert sensitive is not None and "宣传部" in sensitive


def test_release_authority_absent_is_explained() -> None:
    release = plan("baotou-noncoal-2025").public_release
    assert release is not None
    decision = release_authority(release, Grade.MAJOR, sensitive=False, plan_id="baotou-noncoal-2025")
    assert decision.value is None
    assert decision.notes


@pytest.mark.parametrize("plan_id", sorted(all_plans()))
def test_only_the_issuer_lifts(plan_id: str) -> None:
    warning = plan(plan_id).warning
    assert warning is not None
    issuer = warning.levels[0].issuers[0]
    assert may_lift(warning, issued_by=issuer, lifting_by=issuer, plan_id=plan_id).value is True
    other = may_lift(warning, issued_by=issuer, lifting_by="某旗人民政府", plan_id=plan_id)
    assert other.value is False
    assert other.basis[0].seed == warning.lifted_by_issuer.seed


@pytest.mark.parametrize("plan_id", sorted(all_plans()))
def test_only_the_starter_ends(plan_id: str) -> None:
    response = plan(plan_id).response
    assert may_end(response, started_by="甲", ending_by="甲", plan_id=plan_id).value is True
    assert may_end(response, started_by="甲", ending_by="乙", plan_id=plan_id).value is False


def test_warning_fields_baotou_coal_has_eleven() -> None:
    """The coal plan adds 起始时间 and 预警时效 to the non-coal nine (000 §3.4 vs §3.3.2)."""
    coal, noncoal = plan("baotou-coal-2025").warning, plan("baotou-noncoal-2025").warning
    assert coal is not None and noncoal is not None
    assert len(coal.issue_fields) == 11
    assert len(noncoal.issue_fields) == 9
    assert set(coal.issue_fields) - set(noncoal.issue_fields) >= {"起始时间", "预警时效"}


def test_missing_fields_lists_what_is_absent() -> None:
    warning = plan("baotou-noncoal-2025").warning
    assert warning is not None
    message = dict.fromkeys(warning.issue_fields, "x") | {"咨询电话": "", "相关措施": None}
    decision = missing_fields(warning, message, lifting=False, plan_id="baotou-noncoal-2025")
    assert decision.value == ("相关措施", "咨询电话")
    complete = missing_fields(warning, dict.fromkeys(warning.lift_fields, "x"), lifting=True, plan_id="p")
    assert complete.value == ()


def test_blue_issuer_is_the_county_and_red_the_region() -> None:
    warning = plan("baotou-noncoal-2025").warning
    assert warning is not None
    blue = issuer_for(warning, WarningLevel.BLUE, plan_id="baotou-noncoal-2025").value
    red = issuer_for(warning, WarningLevel.RED, plan_id="baotou-noncoal-2025").value
    assert blue == ("事发地旗县级人民政府",)
    assert red is not None and "内蒙古自治区人民政府" in red


@pytest.mark.parametrize("plan_id", ["dongsheng-2024", "ordos-industry-trade-2024", "ordos-noncoal-2024"])
def test_warning_actions_accumulate_from_blue(plan_id: str) -> None:
    warning = plan(plan_id).warning
    assert warning is not None and warning.actions_cumulative
    by_level = {lvl: set(actions_for(warning, lvl, plan_id=plan_id).value) for lvl in WarningLevel}
    assert by_level[WarningLevel.BLUE] <= by_level[WarningLevel.YELLOW] <= by_level[WarningLevel.ORANGE]
    assert by_level[WarningLevel.ORANGE] <= by_level[WarningLevel.RED]
    assert len(by_level[WarningLevel.YELLOW]) > len(by_level[WarningLevel.BLUE])


def test_a_promptly_level_up_hop_gets_decree_493s_two_hours() -> None:
    """Dongsheng times the city → region hop only as 及时 (001#L2729); Decree 493 第十一条 caps each level at 2 h."""
    reporting = plan("dongsheng-2024").reporting
    assert reporting is not None
    hops = report_deadlines(reporting, Grade.LARGER, plan_id="dongsheng-2024").value
    region = next(d for d in hops if "内蒙古自治区应急管理厅" in d.to)
    assert region.within_minutes == 120
    assert region.statutory_basis is not None and region.statutory_basis.clause == "第十一条"
    internal = next(d for d in hops if d.to == ("东胜区人民政府",))
    assert internal.within_minutes is None  # not a level-up hop: 及时 stays without a number


@pytest.mark.parametrize(
    ("grade", "reach"),
    [(Grade.ORDINARY, "设区的市级"), (Grade.LARGER, "省级"), (Grade.MAJOR, "国务院"), (Grade.EXTRAORDINARY, "国务院")],
)
def test_report_reach_by_grade(grade: Grade, reach: str) -> None:
    decision = report_reach(grade)
    assert reach in decision.value
    assert decision.basis[0].clause == "第十条"


def test_several_hazards_take_the_most_severe_level() -> None:
    """Ordos weather plan 4.3: with two or more hazards at different levels, start at the highest (003#L6)."""
    weather = plan("ordos-weather-2024").meteorological
    assert weather is not None
    levels = {"rainstorm": WarningLevel.YELLOW, "gale": WarningLevel.ORANGE, "fog": WarningLevel.BLUE}
    decision = combined_level(weather, levels, plan_id="ordos-weather-2024")
    assert decision.value is WarningLevel.ORANGE
    assert decision.basis
    assert combined_level(weather, {"fog": WarningLevel.RED}, plan_id="ordos-weather-2024").value is None
    none_reached = combined_level(weather, {}, plan_id="ordos-weather-2024")
    assert none_reached.value is None and none_reached.notes


def test_unknown_hazard_is_not_found() -> None:
    weather = plan("ordos-weather-2024").meteorological
    assert weather is not None
    with pytest.raises(NotFound):
        network_sms_required(weather, "tornado", plan_id="ordos-weather-2024")


def test_decree_493_times_the_unit_report_the_plan_calls_immediate() -> None:
    """Baotou coal: the accident unit reports “立即” (000#L1265); Decree 493 第九条 bounds it at 1 hour."""
    reporting = plan("baotou-coal-2025").reporting
    assert reporting is not None
    first = report_deadlines(reporting, Grade.ORDINARY, plan_id="baotou-coal-2025", known_at=KNOWN_AT).value[0]
    assert (first.within_minutes, first.due_at) == (60, KNOWN_AT + timedelta(minutes=60))
    assert first.statutory_basis is not None and first.statutory_basis.clause == "第九条"
