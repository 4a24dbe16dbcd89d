"""How each programme's cases run, as data (data/*.yaml): the tracks (renovation, new build, licence), who acts at each
step and the documents it needs, the words for each state, the milestones and which of them releases which
instalment, and who each calculator pays — every step citing its seed lines with a verbatim quote."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator

from yingji.core import yamlfile
from yingji.core.errors import NotFound, PlanInvalid
from yingji.core.labels import LabelledEnum
from yingji.core.schemas import YingjiModel
from yingji.ledger.schema import Cited
from yingji.plans.loader import validation_details
from yingji.rules.subsidies import Work
from yingji.rules.subsidy_cases import CaseAction, CaseState
from yingji.subsidies.schema import Programme
from yingji.subsidies.schema import programmes as subsidy_programmes
from yingji.subsidy_cases.models import DocumentKind

DATA = Path(__file__).parent / "data"
Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{1,39}$")]
ACCEPTED = "accepted"  # a gate opened by the acceptance itself rather than a milestone


class Level(LabelledEnum):
    """Which level of government an account must belong to: the town (苏木乡镇, its communities included), the
    county (旗县区 and its bureaus), or the city (市 and its bureaus)."""

    TOWN = "town", "苏木乡镇"
    COUNTY = "county", "旗县区"
    CITY = "city", "市"


class StepRow(Cited):
    label: str
    body: str  # the body the seed names, in its words
    by: Annotated[list[Level], Field(min_length=1)]
    documents: list[DocumentKind] = Field(default_factory=list)


class MilestoneRow(Cited):
    id: Key
    label: str
    after: list[Key] = Field(default_factory=list)


class Track(YingjiModel):
    id: Key
    label: str
    works: list[Work] = Field(default_factory=list)  # the 南平房区 kinds of work this track takes
    calculators: Annotated[list[Key], Field(min_length=1)]
    states: dict[CaseState, str] = Field(default_factory=dict)  # the programme's own words for a state
    survey: StepRow
    steps: dict[CaseAction, StepRow]
    milestones: list[MilestoneRow] = Field(default_factory=list)
    gates: dict[Key, Key]  # instalment stage → "accepted" or the milestone that releases it
    payees: dict[Key, Key] = Field(default_factory=dict)  # calculator → party it pays (default: household)
    start_documents: dict[Key, list[DocumentKind]] = Field(default_factory=dict)  # approval route → before start

    @model_validator(mode="after")
    def _consistent(self) -> Track:
        ids = [m.id for m in self.milestones]
        if len(set(ids)) != len(ids) or any(a not in ids for m in self.milestones for a in m.after):
            raise ValueError("里程碑编号重复，或所依赖的里程碑不存在")
        if any(g != ACCEPTED and g not in ids for g in self.gates.values()):
            raise ValueError("支付条件须为 accepted 或本流程的里程碑")
        if (CaseAction.MILESTONE in self.steps) != bool(self.milestones):
            raise ValueError("有里程碑的流程须有核实建设进度的步骤，反之亦然")
        for needed in (CaseAction.APPLY, CaseAction.APPROVE, CaseAction.ACCEPT, CaseAction.VERIFY, CaseAction.PAY):
            if needed not in self.steps:
                raise ValueError(f"流程缺少“{needed.label}”步骤")
        return self

    def state_label(self, state: CaseState) -> str:
        return self.states.get(state, state.label)

    def step(self, action: CaseAction) -> StepRow | None:
        return self.steps.get(action)

    def payee_key(self, calculator_id: str) -> str:
        return self.payees.get(calculator_id, "household")


class CaseProgramme(YingjiModel):
    schema_version: Literal[1]
    programme: Key  # the subsidies programme whose calculators the cases use
    title: str
    parties: dict[Key, str]  # who may be paid, e.g. household: 户主
    name_label: str
    reference_label: str
    one_case_per_reference: Cited | None = None  # 同一栋房屋不得同时享受改造补贴和新建补贴
    stall_days: Annotated[int, Field(ge=1, le=365)]  # platform default: the seeds set no stage terms
    tracks: Annotated[list[Track], Field(min_length=1)]

    @model_validator(mode="after")
    def _known(self) -> CaseProgramme:
        found = subsidy_programmes().get(self.programme)
        if found is None:
            raise ValueError(f"没有补贴方案 {self.programme}")
        own = {c.id for c in found.calculators()}
        for track in self.tracks:
            if not set(track.calculators) <= own:
                raise ValueError(f"流程 {track.id} 的计算器不属于方案 {self.programme}")
            if any(track.payee_key(c) not in self.parties for c in track.calculators):
                raise ValueError(f"流程 {track.id} 的收款方须在 parties 中")
        ids = [t.id for t in self.tracks]
        if len(set(ids)) != len(ids):
            raise ValueError("流程编号重复")
        return self

    @property
    def source(self) -> Programme:
        return subsidy_programmes()[self.programme]

    def track(self, track_id: str) -> Track:
        for track in self.tracks:
            if track.id == track_id:
                return track
        known = "、".join(t.id for t in self.tracks)
        raise NotFound(field="track", kind="办理流程", key=f"{track_id}（可选：{known}）")


@cache
def programmes() -> dict[str, CaseProgramme]:
    """Every case file, validated; a broken file is PlanInvalid naming the file and the YAML path."""
    found: dict[str, CaseProgramme] = {}
    for path in sorted(DATA.glob("*.yaml")):
        try:
            loaded = CaseProgramme.model_validate(yamlfile.read(path))
        except ValidationError as err:
            raise PlanInvalid(field=path.name, reason=f"{path.name} 不合法", details=validation_details(err)) from err
        found[loaded.programme] = loaded
    return found


def programme(programme_id: str) -> CaseProgramme:
    found = programmes().get(programme_id)
    if found is None:
        raise NotFound(field="programme", kind="补贴案件方案", key=programme_id)
    return found
