"""Ordos weather plan 8.2 气象灾害预警分级标准 (003#L6): every hazard and level, at and just below its threshold.

Every expected level below is read from the seed text of 8.2.1–8.2.9, not from the plan data: the percentages,
millimetres, Beaufort forces, metres, degrees and days are written out here as the seed states them. "以上""以下"
include the threshold and "小于""超过" exclude it (the plan's reading); the shared drought boundary (30%—40% /
40%—50%) and the season windows' first and last days follow the readings recorded in the plan's ``ambiguities``.

Fields are 1000 equal-area grid cells and 1000 stations, so one cell or station is 0.1% of the city's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingji.core.errors import InvalidInput, NotFound
from yingji.plans.loader import all_plans
from yingji.plans.schema import Comparison, Hazard, Meteorological
from yingji.rules.levels import WarningLevel
from yingji.rules.meteorological import hazard
from yingji.rules.weather_thresholds import HazardObservation, combined_level_for, hazard_level, levels_for

PLAN_ID = "ordos-weather-2024"
SEED = "003#L6"
CELLS = 1000
STATIONS = 1000
SUMMER = date(2025, 7, 15)
SPRING_FROST = date(2025, 4, 25)  # 春季霜冻(4月中旬-5月下旬)
AUTUMN_FROST = date(2025, 9, 1)  # 秋季霜冻(8月下旬-9月中旬)

RED, ORANGE, YELLOW, BLUE = WarningLevel.RED, WarningLevel.ORANGE, WarningLevel.YELLOW, WarningLevel.BLUE

# 8.2.1–8.2.9 as the seed numbers them: each hazard's clause and the item "(n)" that states each level.
SEED_ITEMS: dict[str, tuple[str, dict[WarningLevel, int]]] = {
    "agricultural_drought": ("8.2.1", {YELLOW: 1, ORANGE: 2, RED: 3}),
    "rainstorm": ("8.2.2", {BLUE: 1, YELLOW: 2, ORANGE: 3, RED: 4}),
    "snowstorm": ("8.2.3", {BLUE: 1, YELLOW: 2, ORANGE: 3, RED: 4}),
    "frost": ("8.2.4", {BLUE: 1, YELLOW: 2}),
    "cold_wave": ("8.2.5", {BLUE: 1, YELLOW: 2, ORANGE: 3}),
    "gale": ("8.2.6", {BLUE: 1, YELLOW: 2, ORANGE: 3, RED: 4}),
    "sandstorm": ("8.2.7", {BLUE: 1, YELLOW: 2, ORANGE: 3}),
    "heat": ("8.2.8", {BLUE: 1, YELLOW: 2, ORANGE: 3}),
    "fog": ("8.2.9", {BLUE: 1, YELLOW: 2}),
}


def weather() -> Meteorological:
    found = all_plans()[PLAN_ID].meteorological
    assert found is not None
    return found


def spec(hazard_id: str) -> Hazard:
    return hazard(weather(), hazard_id)


def clause(hazard_id: str, level: WarningLevel) -> str:
    section, items = SEED_ITEMS[hazard_id]
    return f"{section}（{items[level]}）"


def confirmed_all(hazard_id: str) -> frozenset[str]:
    """Every persistence requirement of the hazard, as if the forecaster had confirmed them all."""
    return frozenset(text for level in spec(hazard_id).levels for text in level.requires)


def cells(count: int, hit: float, rest: float, total: int = CELLS) -> list[float]:
    """``count`` samples at ``hit`` and the others at ``rest``."""
    return [hit] * count + [rest] * (total - count)


def observe(
    hazard_id: str,
    samples: Mapping[str, Sequence[float]],
    *,
    on: date = SUMMER,
    confirmed: frozenset[str] | None = None,
) -> HazardObservation:
    return HazardObservation(
        hazard=hazard_id,
        on=on,
        samples=samples,
        confirmed=confirmed_all(hazard_id) if confirmed is None else confirmed,
    )


@dataclass(frozen=True)
class Case:
    """One row of the table: ``tests`` is the level whose threshold the row sits at (or just below)."""

    hazard: str
    tests: WarningLevel
    samples: dict[str, list[float]]
    expected: WarningLevel | None
    on: date = SUMMER
    reached: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "reached", self.expected == self.tests)


Row = tuple[Case, str]


def row(case: Case, name: str) -> Row:
    return case, name


# --- 8.2.1 农牧业干旱: 重旱以上 30%—40% Ⅲ, 40%—50% Ⅱ; 特旱以上 50%以上 Ⅰ (drought_grade 3 重旱, 4 特旱) ----------


def drought(count: int, grade: float, *, more: tuple[int, float] | None = None) -> dict[str, list[float]]:
    values = cells(count, grade, 1.0)  # the rest of the farmland is at most 轻旱 (1)
    if more is not None:
        extra, extra_grade = more
        values[count : count + extra] = [extra_grade] * extra
    return {"drought_grade": values}


D = "agricultural_drought"
DROUGHT = [
    row(Case(D, YELLOW, drought(300, 3), YELLOW), "30%-severe"),
    row(Case(D, YELLOW, drought(299, 3), None), "29.9%-severe"),
    row(Case(D, YELLOW, drought(300, 2), None), "30%-moderate-only"),
    row(Case(D, YELLOW, drought(399, 3), YELLOW), "39.9%-severe-still-III"),
    # 40% is both the top of "30%—40%" and the bottom of "40%—50%": the more severe level holds (ambiguities).
    row(Case(D, ORANGE, drought(400, 3), ORANGE), "40%-severe"),
    row(Case(D, ORANGE, drought(400, 2), None), "40%-moderate-only"),
    # 重旱 over more than 50%: "40%—50%" read without an upper bound, so it does not fall through (ambiguities).
    row(Case(D, ORANGE, drought(600, 3), ORANGE), "60%-severe-no-gap"),
    row(Case(D, RED, drought(500, 4), RED), "50%-extreme"),
    row(Case(D, RED, drought(499, 4), ORANGE), "49.9%-extreme"),
    row(Case(D, RED, drought(500, 3), ORANGE), "50%-severe-not-extreme"),
    row(Case(D, RED, drought(300, 4, more=(200, 3)), ORANGE), "30%-extreme-plus-20%-severe"),
]


# --- 8.2.2 暴雨 / 8.2.3 暴雪: 预计 X% 区域 or 已出现于 S% 站点; Ⅳ 40/30 low, Ⅲ 50/40 low, Ⅱ 40/30 high, Ⅰ 50/40 high


def precipitation(hazard_id: str, forecast: str, observed: str, low: float, high: float) -> list[Row]:
    def area(count: int, mm: float) -> dict[str, list[float]]:
        return {forecast: cells(count, mm, 0.0), observed: cells(0, 0.0, 0.0, STATIONS)}

    def stations(count: int, mm: float) -> dict[str, list[float]]:
        return {forecast: cells(0, 0.0, 0.0), observed: cells(count, mm, 0.0, STATIONS)}

    h = hazard_id
    return [
        # (1) Ⅳ: 全市40%的区域将出现 low 以上, 或全市30%的气象监测站点已经出现 low 以上
        row(Case(h, BLUE, area(400, low), BLUE), "area-40%"),
        row(Case(h, BLUE, area(399, low), None), "area-39.9%"),
        row(Case(h, BLUE, area(400, low - 0.1), None), "area-40%-just-under-mm"),
        row(Case(h, BLUE, stations(300, low), BLUE), "stations-30%"),
        row(Case(h, BLUE, stations(299, low), None), "stations-29.9%"),
        row(Case(h, BLUE, stations(300, low - 0.1), None), "stations-30%-just-under-mm"),
        # (2) Ⅲ: 50% of the area, or 40% of stations, at low or more
        row(Case(h, YELLOW, area(500, low), YELLOW), "area-50%"),
        row(Case(h, YELLOW, area(499, low), BLUE), "area-49.9%"),
        row(Case(h, YELLOW, area(500, low - 0.1), None), "area-50%-just-under-mm"),
        row(Case(h, YELLOW, stations(400, low), YELLOW), "stations-40%"),
        row(Case(h, YELLOW, stations(399, low), BLUE), "stations-39.9%"),
        row(Case(h, YELLOW, stations(400, low - 0.1), None), "stations-40%-just-under-mm"),
        # (3) Ⅱ: 40% of the area, or 30% of stations, at high or more
        row(Case(h, ORANGE, area(400, high), ORANGE), "area-40%"),
        row(Case(h, ORANGE, area(399, high), None), "area-39.9%"),  # 39.9% is short of Ⅳ's 40% too
        row(Case(h, ORANGE, area(400, high - 0.1), BLUE), "area-40%-just-under-mm"),
        row(Case(h, ORANGE, stations(300, high), ORANGE), "stations-30%"),
        row(Case(h, ORANGE, stations(299, high), None), "stations-29.9%"),
        row(Case(h, ORANGE, stations(300, high - 0.1), BLUE), "stations-30%-just-under-mm"),
        # (4) Ⅰ: 50% of the area, or 40% of stations, at high or more
        row(Case(h, RED, area(500, high), RED), "area-50%"),
        row(Case(h, RED, area(499, high), ORANGE), "area-49.9%"),
        row(Case(h, RED, area(500, high - 0.1), YELLOW), "area-50%-just-under-mm"),
        row(Case(h, RED, stations(400, high), RED), "stations-40%"),
        row(Case(h, RED, stations(399, high), ORANGE), "stations-39.9%"),
        row(Case(h, RED, stations(400, high - 0.1), YELLOW), "stations-40%-just-under-mm"),
    ]


RAIN = precipitation("rainstorm", "forecast_precip_24h_mm", "observed_precip_24h_mm", 50, 100)
SNOW = precipitation("snowstorm", "forecast_snow_24h_mm", "observed_snow_24h_mm", 10, 20)


# --- 8.2.4 霜冻 (inside the season): 60% 地面最低温度 ≤ −3 ℃ Ⅳ; 80% ≤ −5 ℃ Ⅲ -----------------------------------------


def frost(count: int, celsius: float) -> dict[str, list[float]]:
    return {"ground_min_temp_c": cells(count, celsius, 5.0)}


F = "frost"
FROST = [
    row(Case(F, BLUE, frost(600, -3), BLUE, SPRING_FROST), "60%-minus-3"),
    row(Case(F, BLUE, frost(599, -3), None, SPRING_FROST), "59.9%-minus-3"),
    row(Case(F, BLUE, frost(600, -2.9), None, SPRING_FROST), "60%-minus-2.9"),
    row(Case(F, YELLOW, frost(800, -5), YELLOW, SPRING_FROST), "80%-minus-5-spring"),
    row(Case(F, YELLOW, frost(800, -5), YELLOW, AUTUMN_FROST), "80%-minus-5-autumn"),
    row(Case(F, YELLOW, frost(799, -5), BLUE, SPRING_FROST), "79.9%-minus-5"),
    row(Case(F, YELLOW, frost(800, -4.9), BLUE, SPRING_FROST), "80%-minus-4.9"),
]


# --- 8.2.5 寒潮: X% 区域最低气温下降 14/16/18 ℃, 陆地平均风力6级以上, 最低气温降至0℃以下; X = 60/70/80 ---------------


def cold(
    count: int, drop: float, *, wind: float = 6, low: float = 0, short: str | None = None
) -> dict[str, list[float]]:
    """``count`` cells with the drop, the wind and the minimum; ``short`` names a measure met on one cell fewer."""
    fields = {
        "min_temp_drop_24h_c": (drop, 0.0),
        "mean_wind_beaufort": (wind, 2.0),
        "min_temp_c": (low, 5.0),
    }
    return {name: cells(count - (name == short), hit, rest) for name, (hit, rest) in fields.items()}


C = "cold_wave"
COLD = [
    row(Case(C, BLUE, cold(600, 14), BLUE), "60%-drop-14"),
    row(Case(C, BLUE, cold(599, 14), None), "59.9%-drop-14"),
    row(Case(C, BLUE, cold(600, 13.9), None), "60%-drop-13.9"),
    row(Case(C, BLUE, cold(600, 14, wind=5), None), "60%-wind-5"),
    row(Case(C, BLUE, cold(600, 14, low=0.1), None), "60%-min-above-0"),
    row(Case(C, BLUE, cold(600, 14, short="min_temp_drop_24h_c"), None), "59.9%-drop-only"),
    row(Case(C, BLUE, cold(600, 14, short="mean_wind_beaufort"), None), "59.9%-wind-only"),
    row(Case(C, BLUE, cold(600, 14, short="min_temp_c"), None), "59.9%-min-only"),
    row(Case(C, YELLOW, cold(700, 16), YELLOW), "70%-drop-16"),
    row(Case(C, YELLOW, cold(699, 16), BLUE), "69.9%-drop-16"),
    row(Case(C, YELLOW, cold(700, 15.9), BLUE), "70%-drop-15.9"),
    row(Case(C, YELLOW, cold(700, 16, wind=5), None), "70%-wind-5"),
    row(Case(C, YELLOW, cold(700, 16, low=0.1), None), "70%-min-above-0"),
    row(Case(C, YELLOW, cold(700, 16, short="min_temp_drop_24h_c"), BLUE), "69.9%-drop-only"),
    row(Case(C, YELLOW, cold(700, 16, short="mean_wind_beaufort"), BLUE), "69.9%-wind-only"),
    row(Case(C, YELLOW, cold(700, 16, short="min_temp_c"), BLUE), "69.9%-min-only"),
    row(Case(C, ORANGE, cold(800, 18), ORANGE), "80%-drop-18"),
    row(Case(C, ORANGE, cold(799, 18), YELLOW), "79.9%-drop-18"),
    row(Case(C, ORANGE, cold(800, 17.9), YELLOW), "80%-drop-17.9"),
    row(Case(C, ORANGE, cold(800, 18, wind=5), None), "80%-wind-5"),
    row(Case(C, ORANGE, cold(800, 18, low=0.1), None), "80%-min-above-0"),
    row(Case(C, ORANGE, cold(800, 18, short="min_temp_drop_24h_c"), YELLOW), "79.9%-drop-only"),
    row(Case(C, ORANGE, cold(800, 18, short="mean_wind_beaufort"), YELLOW), "79.9%-wind-only"),
    row(Case(C, ORANGE, cold(800, 18, short="min_temp_c"), YELLOW), "79.9%-min-only"),
]


# --- 8.2.6 大风: X% 区域平均风力 M 级以上, 或者阵风 G 级以上; Ⅳ 60/8/10, Ⅲ 70/10/11, Ⅱ 80/11/12, Ⅰ 90/12/13


def gale(count: int, *, mean: float = 3, gust: float = 5) -> dict[str, list[float]]:
    return {"mean_wind_beaufort": cells(count, mean, 3.0), "gust_beaufort": cells(count, gust, 5.0)}


G = "gale"
GALE = [
    row(Case(G, BLUE, gale(600, mean=8), BLUE), "60%-mean-8"),
    row(Case(G, BLUE, gale(599, mean=8), None), "59.9%-mean-8"),
    row(Case(G, BLUE, gale(600, mean=7), None), "60%-mean-7"),
    row(Case(G, BLUE, gale(600, gust=10), BLUE), "60%-gust-10"),
    row(Case(G, BLUE, gale(599, gust=10), None), "59.9%-gust-10"),
    row(Case(G, BLUE, gale(600, gust=9), None), "60%-gust-9"),
    row(Case(G, YELLOW, gale(700, mean=10), YELLOW), "70%-mean-10"),
    row(Case(G, YELLOW, gale(699, mean=10), BLUE), "69.9%-mean-10"),
    row(Case(G, YELLOW, gale(700, mean=9), BLUE), "70%-mean-9"),
    row(Case(G, YELLOW, gale(700, gust=11), YELLOW), "70%-gust-11"),
    row(Case(G, YELLOW, gale(699, gust=11), BLUE), "69.9%-gust-11"),
    row(Case(G, YELLOW, gale(700, gust=10), BLUE), "70%-gust-10"),
    row(Case(G, ORANGE, gale(800, mean=11), ORANGE), "80%-mean-11"),
    row(Case(G, ORANGE, gale(799, mean=11), YELLOW), "79.9%-mean-11"),
    row(Case(G, ORANGE, gale(800, mean=10), YELLOW), "80%-mean-10"),
    row(Case(G, ORANGE, gale(800, gust=12), ORANGE), "80%-gust-12"),
    row(Case(G, ORANGE, gale(799, gust=12), YELLOW), "79.9%-gust-12"),
    row(Case(G, ORANGE, gale(800, gust=11), YELLOW), "80%-gust-11"),
    row(Case(G, RED, gale(900, mean=12), RED), "90%-mean-12"),
    row(Case(G, RED, gale(899, mean=12), ORANGE), "89.9%-mean-12"),
    row(Case(G, RED, gale(900, mean=11), ORANGE), "90%-mean-11"),
    row(Case(G, RED, gale(900, gust=13), RED), "90%-gust-13"),
    row(Case(G, RED, gale(899, gust=13), ORANGE), "89.9%-gust-13"),
    row(Case(G, RED, gale(900, gust=12), ORANGE), "90%-gust-12"),
]


# --- 8.2.7 沙尘暴: X% 区域能见度小于 V 米; Ⅳ 50/1000, Ⅲ 60/500, Ⅱ 70/50 ("小于" excludes V) ---------------------------


def dust(count: int, metres: float) -> dict[str, list[float]]:
    return {"visibility_m": cells(count, metres, 10_000.0)}


S = "sandstorm"
SAND = [
    row(Case(S, BLUE, dust(500, 999.9), BLUE), "50%-under-1000m"),
    row(Case(S, BLUE, dust(499, 999.9), None), "49.9%-under-1000m"),
    row(Case(S, BLUE, dust(500, 1000), None), "50%-at-1000m"),
    row(Case(S, YELLOW, dust(600, 499.9), YELLOW), "60%-under-500m"),
    row(Case(S, YELLOW, dust(599, 499.9), BLUE), "59.9%-under-500m"),
    row(Case(S, YELLOW, dust(600, 500), BLUE), "60%-at-500m"),
    row(Case(S, ORANGE, dust(700, 49.9), ORANGE), "70%-under-50m"),
    row(Case(S, ORANGE, dust(699, 49.9), YELLOW), "69.9%-under-50m"),
    row(Case(S, ORANGE, dust(700, 50), YELLOW), "70%-at-50m"),
]


# --- 8.2.8 高温: 60% 区域连续3天 ≥35 ℃ Ⅳ; 连续5天 ≥37 ℃ Ⅲ; 最高气温 ≥40 ℃ Ⅱ


def heat(
    *, days35: tuple[int, float] = (0, 0), days37: tuple[int, float] = (0, 0), tmax: tuple[int, float] = (0, 30)
) -> dict[str, list[float]]:
    return {
        "consecutive_days_max_temp_ge_35": cells(*days35, 0.0),
        "consecutive_days_max_temp_ge_37": cells(*days37, 0.0),
        "max_temp_c": cells(*tmax, 30.0),
    }


H = "heat"
HEAT = [
    row(Case(H, BLUE, heat(days35=(600, 3), tmax=(600, 35)), BLUE), "60%-3-days-35"),
    row(Case(H, BLUE, heat(days35=(599, 3), tmax=(599, 35)), None), "59.9%-3-days-35"),
    row(Case(H, BLUE, heat(days35=(600, 2), tmax=(600, 35)), None), "60%-2-days-35"),
    row(Case(H, YELLOW, heat(days35=(600, 5), days37=(600, 5), tmax=(600, 37)), YELLOW), "60%-5-days-37"),
    row(Case(H, YELLOW, heat(days35=(600, 5), days37=(599, 5), tmax=(600, 37)), BLUE), "59.9%-5-days-37"),
    row(Case(H, YELLOW, heat(days35=(600, 5), days37=(600, 4), tmax=(600, 37)), BLUE), "60%-4-days-37"),
    row(Case(H, ORANGE, heat(tmax=(600, 40)), ORANGE), "60%-40"),
    row(Case(H, ORANGE, heat(tmax=(599, 40)), None), "59.9%-40"),
    row(Case(H, ORANGE, heat(tmax=(600, 39.9)), None), "60%-39.9"),
    row(Case(H, ORANGE, heat(days35=(600, 5), days37=(600, 5), tmax=(600, 39.9)), YELLOW), "60%-39.9-after-5-days"),
]


# --- 8.2.9 大雾: 60% 区域能见度小于 500 / 200 米, 且持续时间超过24小时


def fog(count: int, metres: float, *, hours: float = 24.1) -> dict[str, list[float]]:
    return {"visibility_m": cells(count, metres, 10_000.0), "fog_duration_h": [hours]}


FG = "fog"
FOG = [
    row(Case(FG, BLUE, fog(600, 499.9), BLUE), "60%-under-500m"),
    row(Case(FG, BLUE, fog(599, 499.9), None), "59.9%-under-500m"),
    row(Case(FG, BLUE, fog(600, 500), None), "60%-at-500m"),
    row(Case(FG, BLUE, fog(600, 499.9, hours=24), None), "60%-under-500m-24h-not-over"),
    row(Case(FG, YELLOW, fog(600, 199.9), YELLOW), "60%-under-200m"),
    row(Case(FG, YELLOW, fog(599, 199.9), None), "59.9%-under-200m"),
    row(Case(FG, YELLOW, fog(600, 200), BLUE), "60%-at-200m"),
    row(Case(FG, YELLOW, fog(600, 199.9, hours=24), None), "60%-under-200m-24h-not-over"),
]

TABLE = [*DROUGHT, *RAIN, *SNOW, *FROST, *COLD, *GALE, *SAND, *HEAT, *FOG]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case, id=f"{case.hazard}-{clause(case.hazard, case.tests)}-{name}".replace("（", "(").replace("）", ")")
        )
        for case, name in TABLE
    ],
)
def test_section_8_2_threshold(case: Case) -> None:
    """003#L6 8.2.1–8.2.9: the level each row's fields reach, with the seed clause of that level as its basis."""
    decision = hazard_level(weather(), observe(case.hazard, case.samples, on=case.on), plan_id=PLAN_ID)
    assert decision.value == case.expected
    assert not decision.provisional  # every measure present, every requirement confirmed
    if case.expected is None:
        assert decision.notes
        assert all(b.seed == SEED for b in decision.basis)
        return
    (basis,) = decision.basis
    assert basis.seed == SEED
    assert basis.clause.startswith(clause(case.hazard, case.expected))
    assert basis.plan == PLAN_ID


def test_table_reaches_and_misses_every_allowed_level_of_every_hazard() -> None:
    """The seed's 8.2 table (Ⅰ 4, Ⅱ 7, Ⅲ 9, Ⅳ 8 ticks) is what the plan allows, and the table above covers it."""
    assert {h.id: sorted(h.allowed_levels) for h in weather().hazards} == {
        hazard_id: sorted(items) for hazard_id, (_, items) in SEED_ITEMS.items()
    }
    ticks = {level: sum(level in items for _, items in SEED_ITEMS.values()) for level in WarningLevel}
    assert ticks == {RED: 4, ORANGE: 7, YELLOW: 9, BLUE: 8}
    for hazard_id, (_, items) in SEED_ITEMS.items():
        for level in items:
            tried = [case for case, _ in TABLE if case.hazard == hazard_id and case.tests == level]
            assert any(c.reached for c in tried), f"{hazard_id} {level.label}: no case at the threshold"
            assert any(not c.reached for c in tried), f"{hazard_id} {level.label}: no case just below"


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2025, 4, 10), None),  # 4月上旬
        (date(2025, 4, 11), YELLOW),  # 4月中旬 begins
        (date(2025, 5, 31), YELLOW),  # 5月下旬 ends
        (date(2025, 6, 1), None),
        (date(2025, 7, 15), None),  # July: no frost warning whatever the temperature
        (date(2025, 8, 20), None),  # 8月中旬
        (date(2025, 8, 21), YELLOW),  # 8月下旬 begins
        (date(2025, 9, 20), YELLOW),  # 9月中旬 ends
        (date(2025, 9, 21), None),
        (date(2026, 1, 15), None),
    ],
)
def test_frost_only_inside_its_season_windows(on: date, expected: WarningLevel | None) -> None:
    """8.2.4: 春季霜冻(4月中旬-5月下旬), 秋季霜冻(8月下旬-9月中旬); 旬 = days 1–10, 11–20, 21–end (ambiguities)."""
    decision = hazard_level(weather(), observe("frost", frost(CELLS, -10), on=on), plan_id=PLAN_ID)
    assert decision.value == expected
    if expected is None:
        assert any("季节" in note for note in decision.notes)
        assert decision.basis and all(b.clause.startswith("8.2.4") for b in decision.basis)


# --- the level rule ---------------------------------------------------------------------------------------------------


def test_the_most_severe_reached_level_wins() -> None:
    """Fields that meet every level of 8.2.6 大风 and 8.2.2 暴雨 reach Ⅰ, cited to item (4)."""
    storm = hazard_level(weather(), observe("gale", gale(CELLS, mean=12, gust=13)), plan_id=PLAN_ID)
    assert storm.value is RED
    assert storm.basis[0].clause.startswith("8.2.6（4）")
    rain = {"forecast_precip_24h_mm": cells(CELLS, 150, 0), "observed_precip_24h_mm": cells(STATIONS, 150, 0, STATIONS)}
    downpour = hazard_level(weather(), observe("rainstorm", rain), plan_id=PLAN_ID)
    assert downpour.value is RED
    assert downpour.basis[0].clause.startswith("8.2.2（4）")
    assert not downpour.provisional


def test_an_unconfirmed_persistence_requirement_keeps_the_level_unreached() -> None:
    """8.2.2（1）: 40% ≥ 50 mm is not enough without “降雨仍将持续，范围仍在扩大”."""
    samples = {"forecast_precip_24h_mm": cells(400, 50, 0), "observed_precip_24h_mm": cells(0, 0, 0, STATIONS)}
    decision = hazard_level(weather(), observe("rainstorm", samples, confirmed=frozenset()), plan_id=PLAN_ID)
    assert decision.value is None
    assert decision.provisional  # confirming would raise it
    assert any("降雨仍将持续" in note and "确认" in note for note in decision.notes)


def test_each_level_needs_its_own_requirement_confirmed() -> None:
    """8.2.7: Ⅲ needs 强沙尘暴 (<500 m) to persist; with only Ⅳ's persistence (<1000 m) confirmed, Ⅳ is the level."""
    blue_only = frozenset(next(lvl for lvl in spec("sandstorm").levels if lvl.level is BLUE).requires)
    assert any("1000米" in text for text in blue_only)
    decision = hazard_level(weather(), observe("sandstorm", dust(600, 499.9), confirmed=blue_only), plan_id=PLAN_ID)
    assert decision.value is BLUE
    assert decision.provisional
    assert any("500米" in note and "确认" in note for note in decision.notes)


def test_cold_wave_has_no_persistence_requirement() -> None:
    """8.2.5 states no 持续 condition: the cold wave levels hold on the numbers alone."""
    decision = hazard_level(weather(), observe("cold_wave", cold(700, 16), confirmed=frozenset()), plan_id=PLAN_ID)
    assert decision.value is YELLOW


def test_a_missing_measure_fails_its_condition_and_is_noted() -> None:
    """8.2.5 寒潮 needs all three of 降温, 风力 and 最低气温: without 最低气温 no level is reached."""
    samples = cold(CELLS, 20)
    del samples["min_temp_c"]
    decision = hazard_level(weather(), observe("cold_wave", samples), plan_id=PLAN_ID)
    assert decision.value is None
    assert decision.provisional
    assert any("min_temp_c" in note for note in decision.notes)


def test_a_missing_alternative_is_noted_and_makes_a_lower_level_provisional() -> None:
    """8.2.2: forecast fields reach Ⅳ; station observations are missing and could have reached a higher level."""
    decision = hazard_level(
        weather(), observe("rainstorm", {"forecast_precip_24h_mm": cells(400, 50, 0)}), plan_id=PLAN_ID
    )
    assert decision.value is BLUE
    assert decision.provisional
    assert any("observed_precip_24h_mm" in note for note in decision.notes)


def test_an_empty_measure_counts_as_missing() -> None:
    samples = {"forecast_precip_24h_mm": [], "observed_precip_24h_mm": cells(0, 0, 0, STATIONS)}
    decision = hazard_level(weather(), observe("rainstorm", samples), plan_id=PLAN_ID)
    assert decision.value is None
    assert any("forecast_precip_24h_mm" in note for note in decision.notes)


def test_nothing_can_rise_above_red_so_a_missing_alternative_does_not_matter() -> None:
    decision = hazard_level(weather(), observe("gale", {"mean_wind_beaufort": cells(900, 12, 3)}), plan_id=PLAN_ID)
    assert decision.value is RED
    assert not decision.provisional


def test_station_conditions_read_the_station_samples_when_given() -> None:
    """8.2.2（1）: 30% of stations ≥ 50 mm; ``stations`` takes precedence over ``samples`` for station conditions."""
    observation = HazardObservation(
        hazard="rainstorm",
        on=SUMMER,
        samples={"forecast_precip_24h_mm": cells(0, 0, 0), "observed_precip_24h_mm": cells(CELLS, 0, 0)},
        stations={"observed_precip_24h_mm": cells(300, 50, 0, STATIONS)},
        confirmed=confirmed_all("rainstorm"),
    )
    assert hazard_level(weather(), observation, plan_id=PLAN_ID).value is BLUE
    fallback = HazardObservation(
        hazard="rainstorm",
        on=SUMMER,
        samples={"forecast_precip_24h_mm": cells(0, 0, 0), "observed_precip_24h_mm": cells(299, 50, 0, STATIONS)},
        stations={"forecast_precip_24h_mm": cells(CELLS, 500, 500)},  # area conditions never read ``stations``
        confirmed=confirmed_all("rainstorm"),
    )
    assert hazard_level(weather(), fallback, plan_id=PLAN_ID).value is None


def test_a_reached_decision_explains_the_share() -> None:
    decision = hazard_level(weather(), observe("sandstorm", dust(700, 40)), plan_id=PLAN_ID)
    assert decision.value is ORANGE
    assert any("70%" in note and "visibility_m" in note for note in decision.notes)


# --- several hazards (4.3) --------------------------------------------------------------------------------------------


def test_several_hazards_start_at_the_highest_level() -> None:
    """4.3: 同时发生两种以上气象灾害…按照最高响应启动标准的灾种启动应急响应 (003#L6)."""
    observations = [
        observe("rainstorm", {"forecast_precip_24h_mm": cells(500, 60, 0), "observed_precip_24h_mm": [0.0] * 10}),
        observe("gale", gale(800, mean=11)),
        observe("fog", fog(600, 300)),
    ]
    per_hazard = levels_for(weather(), observations, plan_id=PLAN_ID)
    assert {h: d.value for h, d in per_hazard.items()} == {"rainstorm": YELLOW, "gale": ORANGE, "fog": BLUE}
    combined = combined_level_for(weather(), observations, plan_id=PLAN_ID)
    assert combined.value is ORANGE
    clauses = [b.clause for b in combined.basis]
    assert any(c.startswith("4.3") for c in clauses)
    assert any(c.startswith("8.2.6（3）") for c in clauses)
    assert not any(c.startswith("8.2.2") for c in clauses)
    assert not combined.provisional


def test_no_hazard_reaching_a_level_leaves_the_level_to_assessment() -> None:
    """4.3: 均未达到启动标准…在综合评估基础上启动相应级别应急响应."""
    observations = [observe("gale", gale(599, mean=8)), observe("heat", heat(tmax=(599, 40)))]
    combined = combined_level_for(weather(), observations, plan_id=PLAN_ID)
    assert combined.value is None
    assert any("综合研判" in note for note in combined.notes)


def test_a_provisional_hazard_that_could_rise_makes_the_combined_level_provisional() -> None:
    observations = [
        observe("fog", fog(600, 300)),
        observe("rainstorm", {"forecast_precip_24h_mm": cells(400, 50, 0)}),  # stations unknown: could reach Ⅰ
    ]
    combined = combined_level_for(weather(), observations, plan_id=PLAN_ID)
    assert combined.value is BLUE
    assert combined.provisional


def test_one_observation_per_hazard() -> None:
    with pytest.raises(InvalidInput):
        levels_for(weather(), [observe("fog", fog(600, 300)), observe("fog", fog(0, 300))], plan_id=PLAN_ID)


def test_bad_input_is_refused() -> None:
    with pytest.raises(InvalidInput):
        HazardObservation(hazard="fog", on=SUMMER, samples={"visibility_m": [300.0, float("nan")]})
    with pytest.raises(NotFound):
        hazard_level(weather(), observe("tornado", {}, confirmed=frozenset()), plan_id=PLAN_ID)


# --- properties -------------------------------------------------------------------------------------------------------


def _measures(hazard_spec: Hazard) -> dict[str, list[float]]:
    thresholds: dict[str, list[float]] = {}
    for level in hazard_spec.levels:
        for alternative in level.any_of:
            for condition in alternative.all_of:
                thresholds.setdefault(condition.measure, []).append(condition.value)
    return thresholds


def _directions(hazard_spec: Hazard) -> dict[str, int]:
    """+1 when a larger value is worse (ge/gt), −1 when a smaller one is (le/lt)."""
    found: dict[str, set[int]] = {}
    for level in hazard_spec.levels:
        for alternative in level.any_of:
            for c in alternative.all_of:
                found.setdefault(c.measure, set()).add(1 if c.op in (Comparison.GE, Comparison.GT) else -1)
    assert all(len(signs) == 1 for signs in found.values()), "a measure compared both ways"
    return {measure: signs.pop() for measure, signs in found.items()}


GE_HAZARDS = [
    h.id
    for h in weather().hazards
    if all(c.op is Comparison.GE for lvl in h.levels for alt in lvl.any_of for c in alt.all_of)
]


def _more_severe_or_equal(after: WarningLevel | None, before: WarningLevel | None) -> bool:
    return before is None or (after is not None and after <= before)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), hazard_id=st.sampled_from(GE_HAZARDS))
def test_raising_every_sample_of_a_ge_hazard_never_lowers_the_level(data: st.DataObject, hazard_id: str) -> None:
    assert {"rainstorm", "snowstorm", "gale", "heat", "agricultural_drought"} <= set(GE_HAZARDS)
    size = data.draw(st.integers(min_value=1, max_value=25), label="size")
    before: dict[str, list[float]] = {}
    after: dict[str, list[float]] = {}
    for measure, thresholds in sorted(_measures(spec(hazard_id)).items()):
        top = int(max(thresholds)) * 2
        values = data.draw(st.lists(st.integers(0, top * 2), min_size=size, max_size=size), label=measure)
        raises = data.draw(st.lists(st.integers(0, top), min_size=size, max_size=size), label=f"+{measure}")
        before[measure] = [v / 2 for v in values]
        after[measure] = [v / 2 + r / 2 for v, r in zip(values, raises, strict=True)]
    low = hazard_level(weather(), observe(hazard_id, before), plan_id=PLAN_ID).value
    high = hazard_level(weather(), observe(hazard_id, after), plan_id=PLAN_ID).value
    assert _more_severe_or_equal(high, low)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), hazard_id=st.sampled_from(list(SEED_ITEMS)))
def test_worsening_every_sample_never_lowers_the_level(data: st.DataObject, hazard_id: str) -> None:
    """For every hazard: larger values where “以上/超过” counts, smaller where “以下/小于” counts."""
    hazard_spec = spec(hazard_id)
    directions = _directions(hazard_spec)
    size = data.draw(st.integers(min_value=1, max_value=25), label="size")
    before: dict[str, list[float]] = {}
    after: dict[str, list[float]] = {}
    for measure, thresholds in sorted(_measures(hazard_spec).items()):
        spread = int(max(abs(t) for t in thresholds)) + 1
        low, high = int(min(thresholds)) - spread, int(max(thresholds)) + spread
        values = data.draw(st.lists(st.integers(low * 2, high * 2), min_size=size, max_size=size), label=measure)
        steps = data.draw(st.lists(st.integers(0, spread * 2), min_size=size, max_size=size), label=f"Δ{measure}")
        before[measure] = [v / 2 for v in values]
        after[measure] = [(v + directions[measure] * s) / 2 for v, s in zip(values, steps, strict=True)]
    on = SPRING_FROST if hazard_spec.season_windows else SUMMER
    worse = hazard_level(weather(), observe(hazard_id, after, on=on), plan_id=PLAN_ID).value
    base = hazard_level(weather(), observe(hazard_id, before, on=on), plan_id=PLAN_ID).value
    assert _more_severe_or_equal(worse, base)
