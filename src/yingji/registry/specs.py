"""One table describing each registry entity: its model, input row, references and how reads are scoped.

Import, export, the API and the demo loader all work from this table, so a new entity is one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from yingji.core.schemas import YingjiModel
from yingji.db.base import Base
from yingji.registry import models as m
from yingji.registry import schemas as s
from yingji.registry.enums import OrganisationKind, ResourceKind


class Scope(StrEnum):
    ORGANISATION = "organisation"  # officers by division; an enterprise user sees only itself
    OWNED = "owned"  # rows an enterprise owns: officers by division, enterprise users their own
    RESOURCE = "resource"  # shared emergency resources: enterprise users read their city's


@dataclass(frozen=True, kw_only=True)
class RefSpec:
    """An input field naming another row (by name) that is stored as its id."""

    field: str
    column: str
    target: type[Base]
    label: str
    kinds: tuple[OrganisationKind, ...] = ()
    # True: any body above or below the row's division (a mine's supervisor may be the city bureau); False: only
    # rows the caller may see, so a name elsewhere can neither be used nor block the caller.
    line_of_jurisdiction: bool = False


@dataclass(frozen=True, kw_only=True)
class EntitySpec:
    name: str  # file stem, JSON key and URL segment
    label: str
    model: type[Base]
    schema: type[YingjiModel]
    scope: Scope
    refs: tuple[RefSpec, ...] = ()
    key: tuple[str, ...] = ("name",)
    owner_column: str | None = None  # the enterprise column for OWNED rows
    division_via: RefSpec | None = None  # rows without a division take their parent's (materials → depot)
    title: str = "name"  # the column a person knows a row by (the name search)

    @cached_property
    def read(self) -> type[YingjiModel]:
        """The read model, generated from the input row (``schemas.read_model``)."""
        return s.read_model(self.schema, [r.field for r in self.refs])

    @cached_property
    def row(self) -> type[YingjiModel]:
        """An exported row (the import format)."""
        return s.row_model(self.schema)

    @cached_property
    def filters(self) -> type[s.RegistryFilters]:
        return s.filters_model(self.schema, [r.field for r in self.refs])


ENTERPRISE = RefSpec(
    field="enterprise",
    column="enterprise_id",
    target=m.Organisation,
    label="企业",
    kinds=(OrganisationKind.ENTERPRISE,),
)
SUPERVISING = RefSpec(
    field="supervising",
    column="supervising_org_id",
    target=m.Organisation,
    label="监管部门",
    kinds=(OrganisationKind.GOVERNMENT, OrganisationKind.DEPARTMENT),
    line_of_jurisdiction=True,
)
DEPOT = RefSpec(field="depot", column="depot_id", target=m.Depot, label="储备库")
CONTRACTED = RefSpec(field="contracted_team", column="contracted_team_id", target=m.RescueTeam, label="协议救护队")

SPECS: tuple[EntitySpec, ...] = (
    EntitySpec(
        name="organisations",
        label="单位",
        model=m.Organisation,
        schema=s.OrganisationIn,
        scope=Scope.ORGANISATION,
        key=("name", "division_code"),
    ),
    EntitySpec(
        name="rescue_teams",
        label="救援队伍",
        model=m.RescueTeam,
        schema=s.RescueTeamIn,
        scope=Scope.RESOURCE,
        refs=(RefSpec(field="organisation", column="organisation_id", target=m.Organisation, label="所属单位"),),
    ),
    EntitySpec(
        name="mines",
        label="矿山",
        model=m.Mine,
        schema=s.MineIn,
        scope=Scope.OWNED,
        refs=(ENTERPRISE, SUPERVISING, CONTRACTED),
        owner_column="enterprise_id",
    ),
    EntitySpec(
        name="tailings_ponds",
        label="尾矿库",
        model=m.TailingsPond,
        schema=s.TailingsPondIn,
        scope=Scope.OWNED,
        refs=(ENTERPRISE, SUPERVISING, CONTRACTED),
        owner_column="enterprise_id",
    ),
    EntitySpec(
        name="hazard_sources",
        label="重大危险源",
        model=m.HazardSource,
        schema=s.HazardSourceIn,
        scope=Scope.OWNED,
        refs=(ENTERPRISE, SUPERVISING),
        owner_column="enterprise_id",
    ),
    EntitySpec(
        name="experts",
        label="专家",
        model=m.Expert,
        schema=s.ExpertIn,
        scope=Scope.RESOURCE,
        key=("name", "division_code"),
    ),
    EntitySpec(name="depots", label="储备库", model=m.Depot, schema=s.DepotIn, scope=Scope.RESOURCE),
    EntitySpec(
        name="materials",
        label="储备物资",
        model=m.MaterialStock,
        schema=s.MaterialIn,
        scope=Scope.RESOURCE,
        refs=(DEPOT,),
        key=("depot", "item"),
        division_via=DEPOT,
        title="item",
    ),
    EntitySpec(name="shelters", label="避难场所", model=m.Shelter, schema=s.ShelterIn, scope=Scope.RESOURCE),
    EntitySpec(
        name="transport", label="运输保障资源", model=m.TransportResource, schema=s.TransportIn, scope=Scope.RESOURCE
    ),
)

BY_NAME = {spec.name: spec for spec in SPECS}
# what the nearest search and dispatch call each kind of resource → the registry entity that holds it
SPEC_OF_RESOURCE = {
    ResourceKind.RESCUE_TEAM: "rescue_teams",
    ResourceKind.EXPERT: "experts",
    ResourceKind.DEPOT: "depots",
    ResourceKind.SHELTER: "shelters",
    ResourceKind.TRANSPORT: "transport",
}

BY_MODEL = {spec.model: spec for spec in SPECS}
