"""Mine networking files, the pure part: is a mine's declared limit laxer than the regulation's, and how graded is a
feed that stopped (矿安〔2025〕100号 treats broken networking data as a graded warning condition)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from yingji.rules.levels import WarningLevel

Direction = Literal["high", "low"]
# Silence beyond the stale threshold (N cycles) grades up after these spans; platform defaults, no basis found for
# the rungs themselves (docs/decisions.md § Networking files).
STALE_LADDER_S: tuple[tuple[int, WarningLevel], ...] = (
    (24 * 3600, WarningLevel.ORANGE),
    (3600, WarningLevel.YELLOW),
    (0, WarningLevel.BLUE),
)


@dataclass(frozen=True)
class RegulationLevel:
    raise_at: float
    clear_at: float
    power_cut: bool


@dataclass(frozen=True)
class DeclaredLimits:
    """What the mine's centre station says it alarms, cuts power and restores power at (AQMC)."""

    alarm_high: float | None = None
    alarm_low: float | None = None
    power_cut: float | None = None
    recovery: float | None = None


@dataclass(frozen=True)
class Laxity:
    """One declared value that the regulation's rule is stricter than."""

    rule_id: str
    item: Literal["alarm", "power_cut", "recovery"]
    declared: float
    regulation: float

    @property
    def label(self) -> str:
        return {"alarm": "报警值", "power_cut": "断电值", "recovery": "复电值"}[self.item]


def _laxer(declared: float, regulation: float, direction: Direction) -> bool:
    return declared > regulation if direction == "high" else declared < regulation


def laxities(
    rule_id: str, direction: Direction, levels: list[RegulationLevel], declared: DeclaredLimits
) -> list[Laxity]:
    """Compare one rule with the mine's declaration: an alarm later, a power cut later or power restored earlier than
    the rule allows is lax. A value the mine does not declare is not compared (and not assumed compliant either: the
    read model shows it missing)."""
    if not levels:
        return []
    found: list[Laxity] = []
    alarm = declared.alarm_high if direction == "high" else declared.alarm_low
    if alarm is not None and _laxer(alarm, levels[0].raise_at, direction):
        found.append(Laxity(rule_id, "alarm", alarm, levels[0].raise_at))
    cut = next((level for level in levels if level.power_cut), None)
    if cut is not None and direction == "high":  # power is cut on a rising concentration only
        if declared.power_cut is not None and _laxer(declared.power_cut, cut.raise_at, direction):
            found.append(Laxity(rule_id, "power_cut", declared.power_cut, cut.raise_at))
        if declared.recovery is not None and _laxer(declared.recovery, cut.clear_at, direction):
            found.append(Laxity(rule_id, "recovery", declared.recovery, cut.clear_at))
    return found


def stale_grade(silent_s: float, cycle_s: float, cycles: int) -> WarningLevel | None:
    """The warning level of a feed silent for ``silent_s`` seconds: none below ``cycles`` declared cycles."""
    threshold = cycle_s * cycles
    if silent_s < threshold:
        return None
    beyond = silent_s - threshold
    return next(level for span, level in STALE_LADDER_S if beyond >= span)
