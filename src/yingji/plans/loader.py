"""Load plan files: validate them, explain each error by its YAML path, cache the bundled set."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from yingji.core import divisions, yamlfile
from yingji.core.errors import NotFound, PlanInvalid
from yingji.plans.schema import Plan, Sector

DATA_DIR = Path(__file__).parent / "data"


def _yaml_path(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic location as ``response.levels[2].decided_by``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(根)"


def validation_details(err: ValidationError) -> list[dict[str, str]]:
    """Return one {field, problem} per error, naming the YAML path."""
    return [
        {"field": _yaml_path(tuple(e["loc"])), "problem": e["msg"].removeprefix("Value error, ")} for e in err.errors()
    ]


def parse_plan(raw: Any, *, source: str) -> Plan:
    """Validate already-parsed YAML; raise PlanInvalid listing every bad field."""
    if not isinstance(raw, dict):
        raise PlanInvalid(field=None, reason=f"{source}：顶层必须是映射（键: 值）")
    try:
        return Plan.model_validate(raw)
    except ValidationError as err:
        details = validation_details(err)
        first = details[0]
        raise PlanInvalid(
            field=first["field"],
            reason=f"{source}：共 {len(details)} 处错误，首处 {first['field']}：{first['problem']}",
            details=details,
        ) from err


def load_plan(path: Path) -> Plan:
    """Read and validate one plan file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise NotFound(kind="预案文件", key=str(path)) from err
    try:
        raw = yamlfile.parse(text)
    except yaml.YAMLError as err:
        raise PlanInvalid(reason=f"{path.name}：YAML 语法错误：{err}") from err
    return parse_plan(raw, source=path.name)


def bundled_ids() -> list[str]:
    """The bundled plans' ids (their file names), without reading the files."""
    return sorted(path.stem for path in DATA_DIR.glob("*.yaml"))


@cache
def _bundled(plan_id: str) -> Plan:
    path = DATA_DIR / f"{plan_id}.yaml"
    plan = load_plan(path)
    if plan.id != plan_id:
        raise PlanInvalid(field="id", reason=f"{path.name}：id「{plan.id}」必须与文件名一致")
    return plan


def bundled(plan_id: str) -> Plan | None:
    """One bundled plan, read only when asked for (`yingji assess` needs one, not all); None for an unknown id."""
    return _bundled(plan_id) if plan_id in bundled_ids() else None


@cache
def all_plans() -> dict[str, Plan]:
    """Return the bundled plans by id, validated once per process."""
    return {plan_id: _bundled(plan_id) for plan_id in bundled_ids()}


def get(plan_id: str) -> Plan:
    """Return one bundled plan or raise NotFound."""
    try:
        return all_plans()[plan_id]
    except KeyError:
        raise NotFound(field="plan", kind="预案", key=plan_id) from None


def for_place(division_code: str, sector: Sector) -> list[Plan]:
    """Return the plans whose jurisdiction contains the division and that cover the sector, lowest level first.

    A division contains another when the other's code starts with its stem (150600 contains 150602).
    """
    found = [
        plan
        for plan in all_plans().values()
        if divisions.contains(plan.metadata.jurisdiction, division_code)
        and (sector in plan.metadata.sectors or Sector.ALL_PRODUCTION in plan.metadata.sectors)
    ]
    return sorted(found, key=lambda p: -len(p.metadata.jurisdiction.rstrip("0")))
