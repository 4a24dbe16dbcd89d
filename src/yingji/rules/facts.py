"""Frozen rule inputs; ``None`` means "not yet known", which makes a decision provisional."""

from __future__ import annotations

from dataclasses import dataclass, field

from yingji.rules.levels import Condition, Grade


@dataclass(frozen=True, kw_only=True)
class AccidentFacts:
    """What is known about an accident at one moment (counts caused or, where a plan allows, possibly caused)."""

    deaths: int | None = 0  # 死亡
    serious_injuries: int | None = 0  # 重伤（含急性工业中毒）
    direct_loss_yuan: int | None = 0  # 直接经济损失（元）
    missing: int | None = 0  # 失踪 / 下落不明 / 失联
    trapped: int | None = 0  # 受困 / 被困
    endangered: int | None = 0  # 涉险
    social_impact: Grade | None = None  # 社会影响（值班人员研判的等级；None 为未研判）
    conditions: frozenset[Condition] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        for name in ("deaths", "serious_injuries", "direct_loss_yuan", "missing", "trapped", "endangered"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must not be negative")

    @property
    def persons_at_risk(self) -> int | None:
        """Return 涉险、被困、失联 persons together, or None when any part is unknown."""
        parts = (self.endangered, self.trapped, self.missing)
        return None if any(p is None for p in parts) else sum(p or 0 for p in parts)

    @property
    def persons_at_risk_at_least(self) -> int:
        """Return the 涉险、被困、失联 persons known so far: a lower bound while some count is unknown."""
        return sum(p for p in (self.endangered, self.trapped, self.missing) if p is not None)

    @property
    def is_sensitive(self) -> bool:
        return Condition.SENSITIVE in self.conditions
