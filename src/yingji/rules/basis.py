"""Basis and Decision: every answer names the plan, the clause and the seed line it rests on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class Basis:
    """One citation: which rule used which clause of which plan, and the seed line (``"000#L721"``)."""

    rule: str
    plan: str
    clause: str
    seed: str | None = None
    quote: str | None = None
    source: str | None = None  # a national regulation when the plan itself is silent

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "plan": self.plan,
            "clause": self.clause,
            "seed": self.seed,
            "quote": self.quote,
            "source": self.source,
        }


@dataclass(frozen=True)
class Decision(Generic[T]):
    """A rule's answer; ``value`` is None when the rule does not apply, and ``basis`` says why."""

    value: T
    basis: tuple[Basis, ...]
    provisional: bool = False
    notes: tuple[str, ...] = field(default=())
