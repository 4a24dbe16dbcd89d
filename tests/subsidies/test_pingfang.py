"""南平房区 renovation and renewal (杭政办发〔2024〕42号 五, 附件1): subsidies per grade and m², the roof add-on, the
household subsidy, new builds, setback compensation, the 500 m² / 100万元 approval routes and the payment stages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.subsidies.test_rules import adds_up, renewal, seeds
from yingji.core.errors import InvalidInput
from yingji.rules import subsidies as rules
from yingji.rules.subsidies import BuildingKind, Grade, LandUse, RenewalFacts, SetbackFacts, Tenure, Work

D = Decimal
B, C, DD = Grade.B, Grade.C, Grade.D
STOREYED, BUNGALOW = BuildingKind.STOREYED, BuildingKind.BUNGALOW


def facts(work: Work, **values: Any) -> RenewalFacts:
    return RenewalFacts(work=work, **values)


def land(area: str, use: LandUse, tenure: Tenure, location: int | None = None) -> SetbackFacts:
    """Setback land measured as the default reading needs it: the plot before the setback (004#L9292-L9294)."""
    return SetbackFacts(plot_area_m2=D(area), land_use=use, tenure=tenure, location_class=location)


R, COM = LandUse.RESIDENTIAL, LandUse.COMMERCIAL
ALLOC, GRANT, NOCERT = Tenure.ALLOCATED, Tenure.GRANTED, Tenure.UNCERTIFIED
RENOVATE, DEMOLISH, REBUILD, VACANT = Work.RENOVATE, Work.DEMOLISH, Work.REBUILD, Work.VACANT_BUILD

CASES = [
    pytest.param(
        facts(RENOVATE, grade=B, floor_area_m2=D(100)), "20000.00", "004#L9263", id="004#L9263 B 100 m² × 200"
    ),
    pytest.param(
        facts(RENOVATE, grade=B, floor_area_m2=D(100), compliant_roof=True),
        "23000.00",
        "004#L9263-L9266",
        id="004#L9263-L9266 B with a compliant roof +30",
    ),
    pytest.param(
        facts(RENOVATE, grade=C, floor_area_m2=D("80.5"), compliant_roof=True),
        "26565.00",
        "004#L9270-L9272",
        id="004#L9268-L9272 C 80.5 m² × (300 + 30)",
    ),
    pytest.param(
        facts(RENOVATE, grade=C, floor_area_m2=D("66.67")), "20001.00", "004#L9268-L9270", id="004#L9268-L9270 C 300"
    ),
    pytest.param(facts(DEMOLISH, grade=DD), "16600.00", "004#L9274", id="004#L9274 D demolished, not rebuilt"),
    pytest.param(facts(DEMOLISH, grade=B), "0.00", "004#L9274", id="004#L9274 only D gets the household subsidy"),
    pytest.param(
        facts(REBUILD, grade=DD, main_kind=STOREYED, main_area_m2=D(200), ancillary_area_m2=D(40)),
        "160000.00",
        "004#L9274-L9278",
        id="004#L9274-L9278 D rebuilt: 楼房 700 + 附属 500, no 16600",
    ),
    pytest.param(
        facts(VACANT, main_kind=BUNGALOW, main_area_m2=D(100)), "50000.00", "004#L9282-L9284", id="004#L9282 平房 500"
    ),
    pytest.param(
        facts(VACANT, main_kind=STOREYED, main_area_m2=D(100)), "70000.00", "004#L9282", id="004#L9282 楼房 700"
    ),
    pytest.param(
        facts(REBUILD, grade=B, ancillary_area_m2=D(30), setback=land("20", R, GRANT)),
        "28460.00",
        "004#L9294-L9296",
        id="004#L9294-L9296 凉房 30 m² + residential granted 20 m² × 673",
    ),
    pytest.param(
        facts(REBUILD, grade=C, ancillary_area_m2=D(10), setback=land("10", R, ALLOC)),
        "10000.00",
        "004#L9294",
        id="004#L9294 residential allocated 500",
    ),
    pytest.param(
        facts(REBUILD, grade=C, ancillary_area_m2=D(10), setback=land("10", R, NOCERT)),
        "9000.00",
        "004#L9296-L9298",
        id="004#L9296-L9298 residential uncertified 400",
    ),
    pytest.param(
        facts(VACANT, main_kind=STOREYED, main_area_m2=D(10), setback=land("10", COM, GRANT, 1)),
        "21260.00",
        "004#L9298-L9300",
        id="004#L9298-L9300 commercial class 1 granted 1426",
    ),
    pytest.param(
        facts(VACANT, main_kind=STOREYED, main_area_m2=D(10), setback=land("10", COM, ALLOC, 1)),
        "17700.00",
        "004#L9300-L9302",
        id="004#L9300-L9302 commercial class 1 allocated 1070",
    ),
    pytest.param(
        facts(VACANT, main_kind=STOREYED, main_area_m2=D(10), setback=land("12.5", COM, ALLOC, 2)),
        "17937.50",
        "004#L9302-L9304",
        id="004#L9302-L9304 commercial class 2 allocated 875",
    ),
    pytest.param(
        facts(VACANT, main_kind=STOREYED, main_area_m2=D(10), setback=land("10", COM, GRANT, 2)),
        "18660.00",
        "004#L9302-L9304",
        id="004#L9302-L9304 commercial class 2 granted 1166",
    ),
    pytest.param(
        facts(VACANT, main_kind=STOREYED, main_area_m2=D(10), setback=land("10", COM, GRANT, 3)),
        "14500.00",
        "004#L9304-L9306",
        id="004#L9304-L9306 commercial class 3 granted 750",
    ),
    pytest.param(
        facts(VACANT, main_kind=STOREYED, main_area_m2=D(10), setback=land("0.01", COM, ALLOC, 3)),
        "7006.75",
        "004#L9304-L9308",
        id="004#L9304-L9308 commercial class 3 allocated 675, 6.75 fen rounds half up",
    ),
]


@pytest.mark.parametrize(("given_facts", "expected", "seed"), CASES)
def test_pingfang(given_facts: RenewalFacts, expected: str, seed: str) -> None:
    decision = rules.renewal_subsidy(renewal(), given_facts)
    assert f"{decision.value.total_yuan:f}" == expected
    assert seed in seeds(decision) and adds_up(decision)


def test_renovation_and_new_build_exclude_each_other() -> None:
    decision = rules.renewal_subsidy(renewal(), facts(RENOVATE, grade=B, floor_area_m2=D(50)))
    assert "004#L9206-L9208" in seeds(decision)  # 同一栋房屋不得同时享受改造补贴和新建补贴
    with pytest.raises(InvalidInput) as refused:
        rules.renewal_subsidy(renewal(), facts(RENOVATE, grade=B, floor_area_m2=D(50), main_area_m2=D(50)))
    assert refused.value.field == "main_area_m2" and refused.value.basis[0].seed == "004#L9206-L9208"


REFUSALS = [
    pytest.param(facts(RENOVATE, grade=DD, floor_area_m2=D(60)), "grade", id="004#L9229-L9231 D must be demolished"),
    pytest.param(facts(RENOVATE, floor_area_m2=D(60)), "grade", id="renovation without a grade"),
    pytest.param(facts(RENOVATE, grade=B), "floor_area_m2", id="004#L9261 renovation without the floor area"),
    pytest.param(facts(RENOVATE, grade=B, floor_area_m2=D(-1)), "floor_area_m2", id="negative area"),
    pytest.param(facts(RENOVATE, grade=B, floor_area_m2=D(100001)), "floor_area_m2", id="absurd area"),
    pytest.param(facts(RENOVATE, grade=B, floor_area_m2=D("1.005")), "floor_area_m2", id="area finer than 0.01"),
    pytest.param(facts(DEMOLISH), "grade", id="demolition without a grade"),
    pytest.param(facts(DEMOLISH, grade=DD, floor_area_m2=D(60)), "floor_area_m2", id="demolition takes no area"),
    pytest.param(facts(REBUILD, main_kind=BUNGALOW, main_area_m2=D(60)), "grade", id="rebuild without a grade"),
    pytest.param(facts(REBUILD, grade=B), "main_area_m2", id="new build without an area"),
    pytest.param(facts(REBUILD, grade=B, main_area_m2=D(0), ancillary_area_m2=D(0)), "main_area_m2", id="zero areas"),
    pytest.param(facts(VACANT, main_area_m2=D(60)), "main_kind", id="main house without its kind"),
    pytest.param(
        facts(VACANT, main_kind=BuildingKind.ANCILLARY, main_area_m2=D(60)), "main_kind", id="an ancillary main house"
    ),
    pytest.param(
        facts(VACANT, grade=B, main_kind=BUNGALOW, main_area_m2=D(60)), "grade", id="vacant land has no grade"
    ),
    pytest.param(
        facts(VACANT, main_kind=BUNGALOW, main_area_m2=D(60), investment_yuan=D(-5)), "investment_yuan", id="negative"
    ),
    pytest.param(
        facts(VACANT, main_kind=BUNGALOW, main_area_m2=D(60), setback=land("5", COM, GRANT)),
        "setback.location_class",
        id="commercial land without its class",
    ),
    pytest.param(
        facts(VACANT, main_kind=BUNGALOW, main_area_m2=D(60), setback=land("5", COM, GRANT, 4)),
        "setback.location_class",
        id="a fourth commercial class",
    ),
    pytest.param(
        facts(VACANT, main_kind=BUNGALOW, main_area_m2=D(60), setback=land("5", R, GRANT, 1)),
        "setback.location_class",
        id="residential land has no class",
    ),
    pytest.param(
        facts(VACANT, main_kind=BUNGALOW, main_area_m2=D(60), setback=land("5", COM, NOCERT, 1)),
        "setback.tenure",
        id="no rate for uncertified commercial land",
    ),
    pytest.param(
        facts(VACANT, main_kind=BUNGALOW, main_area_m2=D(60), setback=land("-5", R, GRANT)),
        "setback.plot_area_m2",
        id="negative setback",
    ),
    pytest.param(facts(DEMOLISH, grade=DD, setback=land("5", R, GRANT)), "setback", id="setback without a new build"),
]


@pytest.mark.parametrize(("given_facts", "field"), REFUSALS)
def test_refusals_name_the_field(given_facts: RenewalFacts, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        rules.renewal_subsidy(renewal(), given_facts)
    assert refused.value.field == field and refused.value.render().startswith("输入不合法：")


def test_a_d_house_refused_renovation_cites_the_demolition_rule() -> None:
    with pytest.raises(InvalidInput) as refused:
        rules.renewal_subsidy(renewal(), facts(RENOVATE, grade=DD, floor_area_m2=D(60)))
    assert [b.seed for b in refused.value.basis] == ["004#L9229-L9231"] and "危房" in refused.value.render()


def _route(main: str, ancillary: str, investment: str) -> rules.Route | None:
    given_facts = facts(
        VACANT,
        main_kind=STOREYED,
        main_area_m2=D(main),
        ancillary_area_m2=D(ancillary),
        investment_yuan=D(investment),
    )
    return rules.renewal_subsidy(renewal(), given_facts).value.route


ROUTES = [  # “500平方米以下且投资在100万元以内” / “500平方米以上且投资在100万元以上”: 以上 and 以内 include the number
    pytest.param("499.99", "0", "1000000", "self_build", "004#L9550-L9554", id="004#L9550 499.99 m², 100万 self-build"),
    pytest.param("400", "99.99", "1000000", "self_build", "004#L9550-L9554", id="004#L9550 area counts 凉房 too"),
    pytest.param("100", "20", "200000", "self_build", "004#L9626-L9628", id="004#L9626 small build, no 规委会"),
    pytest.param("500", "0", "1000000", "construction_permit", "004#L9556-L9558", id="004#L9556 500 m², 100万 permit"),
    pytest.param("400", "100", "1000000", "construction_permit", "004#L9556-L9558", id="004#L9556 400 + 100 = 500"),
    pytest.param("800", "0", "3000000", "construction_permit", "004#L9620-L9624", id="004#L9620 large build"),
    pytest.param("500", "0", "999999.99", "undetermined", "004#L9671-L9673", id="004#L9671 500 m² under 100万"),
    pytest.param("499.99", "0", "1000000.01", "undetermined", "004#L9671-L9673", id="004#L9671 small area over 100万"),
]


@pytest.mark.parametrize(("main", "ancillary", "investment", "expected", "seed"), ROUTES)
def test_approval_routes(main: str, ancillary: str, investment: str, expected: str, seed: str) -> None:
    route = _route(main, ancillary, investment)
    assert route is not None and route.id == expected
    assert seed in {b.seed for b in route.basis}


def test_no_investment_no_route() -> None:
    decision = rules.renewal_subsidy(renewal(), facts(VACANT, main_kind=BUNGALOW, main_area_m2=D(80)))
    assert decision.value.route is None and any("投资额" in n for n in decision.notes)


def test_the_new_build_is_paid_in_three_stages_and_the_compensation_after_the_setback() -> None:
    given_facts = facts(
        REBUILD, grade=C, main_kind=STOREYED, main_area_m2=D(200), ancillary_area_m2=D(40), setback=land("20", R, GRANT)
    )
    calculation = rules.renewal_subsidy(renewal(), given_facts).value
    assert [(i.stage, f"{i.amount_yuan:f}") for i in calculation.schedule] == [
        ("main_built", "140000.00"),
        ("ancillary_built", "20000.00"),
        ("accepted", "0.00"),
        ("setback_accepted", "13460.00"),
    ]
    assert sum(i.amount_yuan for i in calculation.schedule) == calculation.total_yuan == D("173460.00")
    stage_seeds = {b.seed for i in calculation.schedule for b in i.basis}
    assert {"004#L9202-L9204", "004#L9661-L9663", "004#L9204-L9206", "004#L9663-L9665"} <= stage_seeds


def test_renovation_is_paid_at_once_after_acceptance_and_demolition_has_no_stated_time() -> None:
    renovated = rules.renewal_subsidy(renewal(), facts(RENOVATE, grade=B, floor_area_m2=D(100))).value
    assert [(i.stage, i.amount_yuan, i.basis[0].seed) for i in renovated.schedule] == [
        ("renovation_accepted", D("20000.00"), "004#L9202")
    ]
    demolished = rules.renewal_subsidy(renewal(), facts(DEMOLISH, grade=DD))
    assert demolished.value.schedule == () and any("支付时点" in n for n in demolished.notes)


areas = st.integers(min_value=0, max_value=9_999_900).map(lambda c: D(c).scaleb(-2))


@given(grade=st.sampled_from([B, C]), roof=st.booleans(), a=areas, b=areas)
def test_renovation_is_monotone_in_area(grade: Grade, roof: bool, a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    x, y = (
        rules.renewal_subsidy(renewal(), facts(RENOVATE, grade=grade, floor_area_m2=v, compliant_roof=roof))
        for v in (low, high)
    )
    assert D(0) <= x.value.total_yuan <= y.value.total_yuan and adds_up(x) and adds_up(y)
    assert sum(i.amount_yuan for i in y.value.schedule) == y.value.total_yuan


@given(
    kind=st.sampled_from([STOREYED, BUNGALOW]),
    main=areas,
    ancillary=areas,
    setback=st.none() | areas,
    grade=st.sampled_from([B, C, DD]),
)
def test_new_builds_add_up_and_are_paid_in_full(
    kind: BuildingKind, main: Decimal, ancillary: Decimal, setback: Decimal | None, grade: Grade
) -> None:
    if not main and not ancillary:
        ancillary = D(1)
    given_facts = facts(
        REBUILD,
        grade=grade,
        main_kind=kind,
        main_area_m2=main,
        ancillary_area_m2=ancillary,
        setback=None if setback is None else land(f"{setback}", R, GRANT),
    )
    decision = rules.renewal_subsidy(renewal(), given_facts)
    total = decision.value.total_yuan
    assert total >= 0 and adds_up(decision)
    assert sum(i.amount_yuan for i in decision.value.schedule) == total
    bigger = rules.renewal_subsidy(renewal(), facts(**{**given_facts.__dict__, "main_area_m2": main + 1}))
    assert bigger.value.total_yuan >= total


# --- the two readings of 004#L9292-L9294 (the data holds both; an administrator chooses) ---------------------------


def _both(plot: str | None, given_up: str | None) -> RenewalFacts:
    land_ = SetbackFacts(
        plot_area_m2=None if plot is None else D(plot),
        area_m2=None if given_up is None else D(given_up),
        land_use=R,
        tenure=GRANT,
    )
    return facts(VACANT, main_kind=BUNGALOW, main_area_m2=D(100), setback=land_)


READINGS = [
    pytest.param(None, "120", "30", "80760.00", "004#L9292-L9294", id="default: 120 m² plot × 673 (原文字面)"),
    pytest.param("pre_setback_plot", "120", "30", "80760.00", "004#L9292-L9294", id="pre-setback plot × 673"),
    pytest.param("land_given_up", "120", "30", "20190.00", "004#L9249-L9253", id="land given up 30 m² × 673"),
]


@pytest.mark.parametrize(("reading", "plot", "given_up", "compensation", "seed"), READINGS)
def test_the_setback_follows_the_reading_in_force(
    reading: str | None, plot: str, given_up: str, compensation: str, seed: str
) -> None:
    decision = rules.renewal_subsidy(renewal(), _both(plot, given_up), setback_reading=reading)
    (part,) = [p for p in decision.value.components if p.key == "setback"]
    assert f"{part.amount_yuan:f}" == compensation and seed in {b.seed for b in part.basis}
    assert "004#L9249-L9253" in {b.seed for b in part.basis}  # 退出土地划为公共用地 … 予以补偿: always the ground
    (other,) = [n for n in decision.notes if "未采用" in n]  # the other reading's amount, said beside it
    assert ("20190.00" if compensation == "80760.00" else "80760.00") in other
    assert adds_up(decision)


def test_the_reading_in_force_needs_its_own_area() -> None:
    with pytest.raises(InvalidInput) as refused:
        rules.renewal_subsidy(renewal(), _both(None, "30"))
    assert refused.value.field == "setback.plot_area_m2" and [b.seed for b in refused.value.basis] == [
        "004#L9292-L9294"
    ]
    with pytest.raises(InvalidInput) as other:
        rules.renewal_subsidy(renewal(), _both("120", None), setback_reading="land_given_up")
    assert other.value.field == "setback.area_m2"
    only = rules.renewal_subsidy(renewal(), _both("120", None))
    assert not [n for n in only.notes if "未采用" in n]  # no area, no amount under the other reading


def test_the_land_given_up_is_part_of_the_plot_and_readings_are_the_datas() -> None:
    with pytest.raises(InvalidInput) as refused:
        rules.renewal_subsidy(renewal(), _both("20", "30"))
    assert refused.value.field == "setback.area_m2"
    with pytest.raises(InvalidInput) as unknown:
        rules.renewal_subsidy(renewal(), _both("120", "30"), setback_reading="half_and_half")
    assert unknown.value.field == "setback_reading"
    assert renewal().setback_default == "pre_setback_plot"
