"""The supervision rules (rules/supervision.py) against the seed: the census gate (002#L183), the 400 m rock-burst rule
(002#L186, L285), the milestones (002#L161, L209, L213, L285), networking classes (002#L193) and the two loops."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.core.errors import InvalidState
from yingji.rules import supervision as r
from yingji.rules.supervision import Activity, CensusFacts, MineClass, MineFacts, RockBurst

YEAR = 2026

# --- the 400 m rule -------------------------------------------------------------------------------------------------

# 002#L186 “采深超400米煤矿冲击地压”; 002#L285 “对采深超400米矿井全面落实冲击地压监测”: strictly deeper than 400 m
ROCK_BURST = [
    (MineClass.COAL_UNDERGROUND, 399.9, False, RockBurst.NOT_REQUIRED),
    (MineClass.COAL_UNDERGROUND, 400, False, RockBurst.NOT_REQUIRED),
    (MineClass.COAL_UNDERGROUND, 400.5, False, RockBurst.MISSING),
    (MineClass.COAL_UNDERGROUND, 401, False, RockBurst.MISSING),
    (MineClass.COAL_UNDERGROUND, 450, False, RockBurst.MISSING),
    (MineClass.COAL_UNDERGROUND, 450, True, RockBurst.MET),
    (MineClass.COAL_UNDERGROUND, None, False, RockBurst.UNKNOWN),
    (MineClass.COAL_OPEN_PIT, 600, False, RockBurst.NOT_REQUIRED),
    (MineClass.NON_COAL_UNDERGROUND, 600, False, RockBurst.NOT_REQUIRED),
    (MineClass.NON_COAL_OPEN_PIT, None, False, RockBurst.NOT_REQUIRED),
]


@pytest.mark.parametrize(("mine", "depth", "monitored", "expected"), ROCK_BURST, ids=str)
def test_rock_burst_table(mine: MineClass, depth: float | None, monitored: bool, expected: RockBurst) -> None:
    assert r.rock_burst(mine, depth, monitored) is expected


def test_rock_burst_basis_cites_both_lines() -> None:
    assert [b.seed for b in r.ROCK_BURST_BASIS] == ["002#L186", "002#L285"]
    assert all("400" in b.clause for b in r.ROCK_BURST_BASIS)


@given(depth=st.floats(min_value=0, max_value=3000, allow_nan=False), monitored=st.booleans())
def test_only_deeper_than_400_m_underground_coal_needs_monitoring(depth: float, monitored: bool) -> None:
    for mine in MineClass:
        needed = r.needs_rock_burst_monitoring(mine, depth)
        assert needed is (mine is MineClass.COAL_UNDERGROUND and depth > r.ROCK_BURST_DEPTH_M)
        flagged = r.rock_burst(mine, depth, monitored) is RockBurst.MISSING
        assert flagged is (bool(needed) and not monitored)


@given(a=st.floats(min_value=0, max_value=3000), b=st.floats(min_value=0, max_value=3000))
def test_deeper_never_needs_less(a: float, b: float) -> None:
    low, high = sorted((a, b))
    if r.needs_rock_burst_monitoring(MineClass.COAL_UNDERGROUND, low):
        assert r.needs_rock_burst_monitoring(MineClass.COAL_UNDERGROUND, high)


# --- the census and the resumption gate -----------------------------------------------------------------------------

DONE = CensusFacts(YEAR, completed=True, untreated=0)
GATE = [
    ([], "no_census"),
    ([CensusFacts(YEAR - 1, completed=True, untreated=0)], "no_census"),  # last year's does not count
    ([CensusFacts(YEAR, completed=False, untreated=0)], "census_open"),
    ([CensusFacts(YEAR, completed=True, untreated=2)], "untreated"),  # 复工前完成工程化治理
    ([DONE], None),
    ([CensusFacts(YEAR - 1, completed=False, untreated=3), DONE], None),
]


@pytest.mark.parametrize(("censuses", "refusal"), GATE)
def test_resumption_gate(censuses: list[CensusFacts], refusal: str | None) -> None:
    if refusal is None:
        r.check_resumption(Activity.SUSPENDED, YEAR, censuses)
        return
    with pytest.raises(InvalidState) as refused:
        r.check_resumption(Activity.SUSPENDED, YEAR, censuses)
    assert refused.value.status == 409 and refused.value.subcode == f"supervision.resume.{refusal}"
    assert [b.seed for b in refused.value.basis] == ["002#L183", "002#L281"]


@pytest.mark.parametrize("activity", [Activity.ACTIVE, Activity.CLOSED])
def test_only_a_stopped_mine_resumes(activity: Activity) -> None:
    with pytest.raises(InvalidState) as refused:
        r.check_resumption(activity, YEAR, [DONE])
    assert refused.value.subcode == "supervision.resume.not_suspended"


def test_census_is_due_every_year_for_active_mines() -> None:
    assert r.census_due(Activity.ACTIVE, YEAR, [CensusFacts(YEAR - 1, True, 0)])
    assert r.census_due(Activity.ACTIVE, YEAR, [CensusFacts(YEAR, False, 0)])
    assert not r.census_due(Activity.ACTIVE, YEAR, [DONE])
    assert not r.census_due(Activity.SUSPENDED, YEAR, [])  # a stopped mine answers at resumption


# --- milestones -----------------------------------------------------------------------------------------------------

# code → (due, seed line): written out from the seed, not copied from MILESTONES
SEED_MILESTONES = {
    "hoist_multi_rope": (date(2026, 12, 31), "002#L209"),  # 2026年底前…单绳提升机全部改造为多绳摩擦式
    "outsourcing_state_large": (date(2027, 12, 31), "002#L161"),  # 2027年底前国有大型/高风险矿山完成采掘外包清零
    "support_retrofit": (date(2028, 12, 31), "002#L213"),  # 2028年底前完成…支护质量评估与改造
    "outsourcing_all": (date(2029, 12, 31), "002#L161"),  # 2029年底前全市金属非金属地下矿山全部清零
    "dual_power": (date(2030, 12, 31), "002#L209"),  # 2030年底前所有矿山至少实现双回路供电
    "rock_burst_monitoring": (date(2030, 12, 31), "002#L285"),
}


def test_milestones_match_the_seed() -> None:
    assert {m.code: (m.due, m.basis.seed) for m in r.MILESTONES} == SEED_MILESTONES


def _codes(
    mine: MineClass, activity: Activity = Activity.ACTIVE, large: bool = False, depth: float | None = None
) -> set[str]:
    return {m.code for m in r.milestones_for(MineFacts(mine, activity, large, depth))}


def test_which_mine_gets_which_milestone() -> None:
    assert _codes(MineClass.NON_COAL_UNDERGROUND) == {
        "hoist_multi_rope",
        "support_retrofit",
        "outsourcing_all",
        "dual_power",
    }
    assert _codes(MineClass.NON_COAL_UNDERGROUND, Activity.SUSPENDED) == {
        "hoist_multi_rope",
        "outsourcing_all",
        "dual_power",
    }  # 在产: support retrofit only for producing ones
    assert _codes(MineClass.COAL_UNDERGROUND, large=True, depth=450) == {
        "outsourcing_state_large",
        "dual_power",
        "rock_burst_monitoring",
    }
    assert _codes(MineClass.COAL_UNDERGROUND, depth=400) == {"dual_power"}
    assert _codes(MineClass.COAL_OPEN_PIT, Activity.CLOSED) == set()


@pytest.mark.parametrize(
    ("today", "done_on", "overdue"),
    [
        (date(2026, 12, 31), None, False),  # 年底前: the last day is still in time
        (date(2027, 1, 1), None, True),
        (date(2027, 1, 1), date(2026, 12, 30), False),
    ],
)
def test_overdue_after_the_year_end(today: date, done_on: date | None, overdue: bool) -> None:
    assert r.is_overdue(date(2026, 12, 31), done_on, today) is overdue


# --- networking -----------------------------------------------------------------------------------------------------


def test_networking_counts_the_plans_three_kinds() -> None:
    assert r.NETWORKING_BASIS.seed == "002#L193"
    assert r.mine_site_class(MineClass.COAL_OPEN_PIT) is r.SiteClass.COAL_MINE
    assert r.mine_site_class(MineClass.NON_COAL_UNDERGROUND) is r.SiteClass.UNDERGROUND_NON_COAL
    assert r.mine_site_class(MineClass.NON_COAL_OPEN_PIT) is None
    assert [g for g in range(1, 6) if r.pond_counts(g)] == [1, 2, 3]  # 三等及以上


def test_live_within_the_window() -> None:
    now = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    assert r.is_live(now - timedelta(seconds=90), now, 90)
    assert not r.is_live(now - timedelta(seconds=91), now, 90)
    assert not r.is_live(None, now, 90)
    assert r.share(3, 4) == 0.75 and r.share(0, 0) is None


# --- the two loops --------------------------------------------------------------------------------------------------


def test_warning_loop() -> None:
    state = r.warning_step(r.WarningState.PUSHED, r.WarningAction.RESPOND)
    assert r.warning_step(state, r.WarningAction.CLOSE) is r.WarningState.CLOSED
    with pytest.raises(InvalidState) as refused:
        r.warning_step(r.WarningState.PUSHED, r.WarningAction.CLOSE)
    assert refused.value.subcode == "supervision.warning_close.state"
    assert refused.value.basis[0].seed == "002#L302"
    now = datetime(2026, 11, 23, tzinfo=UTC)
    due, close = now + timedelta(hours=2), now + timedelta(hours=24)
    assert not r.warning_overdue(r.WarningState.PUSHED, due, close, now + timedelta(hours=2))
    assert r.warning_overdue(r.WarningState.PUSHED, due, close, now + timedelta(hours=3))
    assert not r.warning_overdue(r.WarningState.RESPONDED, due, close, now + timedelta(hours=3))
    assert not r.warning_overdue(r.WarningState.CLOSED, due, close, now + timedelta(days=9))


def test_pond_disposition_loop() -> None:
    assert [d.label for d in r.PondDisposition] == ["达标整治", "停用整改", "闭库销号"]  # 002#L293
    s = r.disposition_step(r.DispositionState.ASSIGNED, r.DispositionAction.SUBMIT)
    assert r.disposition_step(s, r.DispositionAction.REJECT) is r.DispositionState.ASSIGNED
    assert r.disposition_step(s, r.DispositionAction.ACCEPT) is r.DispositionState.ACCEPTED
    with pytest.raises(InvalidState):
        r.disposition_step(r.DispositionState.ACCEPTED, r.DispositionAction.SUBMIT)


def test_four_colours_most_severe_first() -> None:
    assert r.worst_colour([r.RiskColour.BLUE, r.RiskColour.ORANGE, r.RiskColour.YELLOW]) is r.RiskColour.ORANGE
    assert r.worst_colour([]) is None
    assert [b.seed for b in r.GOAF_BASIS] == ["002#L213", "002#L289"]


def test_reach_12_hours() -> None:
    assert r.REACH_BASIS.seed == "002#L255" and r.REACH_HOURS == 12
    assert r.reached([720]) and not r.reached([721]) and not r.reached([])


# --- capacity gate, standardisation, insurance, agencies, equipment ------------------------------------------------


def test_capacity_gate_needs_all_three_rigid_conditions() -> None:
    c = r.CapacityCondition
    assert [x.label for x in c] == ["灾害治理能力", "专业人员配备", "智能化水平"]  # 002#L163
    r.check_capacity({c.DISASTER_CONTROL: True, c.STAFFING: True, c.INTELLIGENCE: True})
    with pytest.raises(InvalidState) as missing:
        r.check_capacity({c.DISASTER_CONTROL: True, c.STAFFING: True})
    assert missing.value.subcode == "supervision.capacity.not_assessed" and "智能化水平" in missing.value.render()
    with pytest.raises(InvalidState) as unmet:
        r.check_capacity({c.DISASTER_CONTROL: True, c.STAFFING: False, c.INTELLIGENCE: True})
    assert unmet.value.subcode == "supervision.capacity.unmet" and unmet.value.basis[0].seed == "002#L163"


@given(
    graded=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    gap=st.integers(min_value=0, max_value=2000),
)
def test_spot_check_due_half_a_year_after_the_latest(graded: date, gap: int) -> None:
    checked = graded + timedelta(days=gap)
    due = r.spot_check_due(graded, checked)
    assert due is not None and 181 <= (due - checked).days <= 184  # 每半年 (002#L205)
    assert r.spot_check_due(graded, None) == r.add_months(graded, 6)
    assert r.spot_check_due(None, checked) is None


def test_add_months_at_month_ends() -> None:
    assert r.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert r.add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert r.add_months(date(2026, 11, 23), 6) == date(2027, 5, 23)


def test_insurance_agencies_and_equipment() -> None:
    assert [b.seed for b in r.INSURANCE_BASIS] == ["002#L258", "002#L357"]
    assert date(2028, 12, 31) == r.INSURANCE_DUE and r.INSURER_INSPECTIONS_PER_YEAR == 2
    assert r.in_force(date(2026, 1, 1), date(2026, 12, 31), date(2026, 12, 31))
    assert not r.in_force(date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 1))
    r.check_agency_usable("甲评价公司", negative=False)
    with pytest.raises(InvalidState) as banned:
        r.check_agency_usable("乙评价公司", negative=True)
    assert banned.value.subcode == "supervision.agency.negative_listed" and banned.value.basis[0].seed == "002#L262"
    assert [c.label for c in r.EquipmentCategory] == ["提升", "运输", "通风", "排水", "供电", "压风", "采掘", "装运"]
    assert r.runs_faulty(r.EquipmentCondition.FAULTY, True)
    assert not r.runs_faulty(r.EquipmentCondition.FAULTY, False)
    assert not r.runs_faulty(r.EquipmentCondition.NORMAL, True)
