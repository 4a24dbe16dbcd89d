"""Tip reward rules (data/rewards.yaml): each cites its seed; the cap for a tip is the lowest amount among the
rules covering its division."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError

from yingji.core import divisions, yamlfile
from yingji.core.errors import PlanInvalid
from yingji.core.schemas import YingjiModel
from yingji.ledger.schema import Cited
from yingji.plans.loader import validation_details
from yingji.rules.basis import Basis

REWARDS_FILE = Path(__file__).parent / "data" / "rewards.yaml"


class RewardRule(Cited):
    id: Annotated[str, Field(pattern=r"^[a-z0-9-]{3,80}$")]
    division_code: Annotated[str, Field(pattern=r"^\d{6}$")]
    text: str
    max_yuan: Annotated[int, Field(gt=0)] | None = None

    def basis(self) -> Basis:
        return Basis(rule="tip_reward", plan=self.id, clause=self.text, seed=self.seed)


class RewardRules(YingjiModel):
    rules: Annotated[list[RewardRule], Field(min_length=1)]


@cache
def reward_rules() -> tuple[RewardRule, ...]:
    try:
        parsed = RewardRules.model_validate(yamlfile.read(REWARDS_FILE))
    except ValidationError as err:
        raise PlanInvalid(
            field=REWARDS_FILE.name, reason="举报奖励规则不合法", details=validation_details(err)
        ) from err
    return tuple(parsed.rules)


def reward_cap(division_code: str) -> tuple[Decimal | None, list[Basis]]:
    """(cap, basis): the lowest amount among the rules covering the division; None when no rule gives one."""
    covering = [r for r in reward_rules() if divisions.contains(r.division_code, division_code)]
    capped = [r for r in covering if r.max_yuan is not None]
    if not capped:
        return None, [r.basis() for r in covering]
    lowest = min(capped, key=lambda r: r.max_yuan or 0)
    return Decimal(lowest.max_yuan or 0), [lowest.basis()]
