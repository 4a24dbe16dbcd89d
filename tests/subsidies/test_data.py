"""The subsidy programme files (subsidies/data): every cited figure's quote is in its seed lines, the figures the
seeds give are the ones loaded, and a broken file is refused naming the file and the YAML path."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from tests.support.seeds import assert_quoted, squeeze, walk
from yingji.rules.subsidies import BuildingKind, Grade, LandUse, Tenure
from yingji.subsidies import schema
from yingji.subsidies.schema import Cite, Programme, programmes

D = Decimal
CITED = [row for p in programmes().values() for row in walk(p, p.id, lambda node: isinstance(node, Cite))]


@pytest.mark.parametrize("cite", [c for _, c in CITED], ids=[name for name, _ in CITED])
def test_the_quote_is_in_the_cited_seed_lines(cite: Cite) -> None:
    """The data files' convention: the cited lines joined with all whitespace removed contain the quote."""
    assert_quoted(cite.seed, cite.quote)


@pytest.mark.parametrize("programme", list(programmes().values()), ids=list(programmes()))
def test_the_programme_range_covers_every_citation(programme: Programme) -> None:
    first, _, last = programme.seed.partition("#L")[2].partition("-L")
    for name, cite in walk(programme, programme.id, lambda node: isinstance(node, Cite)):
        number, _, lines = cite.seed.partition("#L")
        start, _, end = lines.partition("-L")
        assert number == programme.seed[:3] and int(first) <= int(start) <= int(end or start) <= int(last or first), (
            name
        )


CHINESE = {1: "一", 2: "二", 3: "三"}


def _spellings(value: Decimal | int) -> set[str]:
    """How a programme writes a figure: 673, 10%, 3万元, 一类, 一年."""
    plain = f"{Decimal(value).normalize():f}"
    shown = {plain, f"{(Decimal(value) / 10000).normalize():f}万"}
    if isinstance(value, int) and value in CHINESE:
        shown.add(CHINESE[value])
    return shown


def test_each_figure_is_written_in_its_own_quote() -> None:
    """A figure sits on a cited row whose quote states that very number (a rate, a cap, a class, a year count)."""
    # 004#L9292-L9294 is now a reading beside its rival; 8 rows are the Ordos interest subsidy's
    assert len({name for name, _ in CITED}) == len(CITED) == 65
    checked = 0
    for name, cite in CITED:
        for field in type(cite).model_fields:
            value = getattr(cite, field)
            if isinstance(value, Decimal | int) and not isinstance(value, bool):
                assert any(s in squeeze(cite.quote) for s in _spellings(value)), f"{name}.{field}={value}"
                checked += 1
    assert checked == 37  # 11 in the Baotou file, 23 in the Hangjin one (9 land rates with 6 location classes), 3 Ordos


def test_the_approval_thresholds_are_in_the_route_quotes() -> None:
    renewal = programmes()["hangjin-pingfang-2024"].renewal
    assert renewal is not None
    words = {r.id: "".join(squeeze(c.quote) for c in r.cited) for r in renewal.approval.routes}
    assert "500平方米以下" in words["self_build"] and "100万元以内" in words["self_build"]
    assert "500平方米以上" in words["construction_permit"] and "100万元以上" in words["construction_permit"]


def test_the_baotou_figures() -> None:
    p = programmes()["baotou-tech-use-first-2025"]
    assert (p.doc_no, p.division_code, p.issued_on.isoformat()) == ("包科发〔2025〕61号", "150200", "2025-09-05")
    shares = {s.id: s for s in p.shares}
    licence, acceptance, insurance = shares["tech-licence"], shares["tech-acceptance"], shares["tech-insurance"]
    assert licence.minimum is not None and licence.minimum.yuan == D(30000)
    assert (licence.tiers[0].percent, licence.cap.yuan) == (D(10), D(10000))
    assert licence.first_licence_only and [str(k) for k in licence.first_licence_only.kinds] == ["ordinary"]
    assert acceptance.minimum and (acceptance.minimum.yuan, acceptance.tiers[0].percent) == (D(30000), D(10))
    assert acceptance.cap.yuan == 20000
    assert [(t.percent, t.up_to_yuan) for t in insurance.tiers] == [(D(100), D(3000)), (D(80), None)]
    assert insurance.minimum is None and insurance.cap.yuan == 5000
    assert p.timing and p.timing.after_effective.years == 1


def test_the_pingfang_figures() -> None:
    p = programmes()["hangjin-pingfang-2024"]
    assert (p.doc_no, p.division_code, p.issued_on.isoformat()) == ("杭政办发〔2024〕42号", "150625", "2024-04-24")
    assert p.renewal is not None
    r = p.renewal
    assert {x.grade: x.yuan_per_m2 for x in r.renovation.rates} == {Grade.B: 200, Grade.C: 300}
    assert {x.grade: x.yuan_per_m2 for x in r.renovation.roof} == {Grade.B: 30, Grade.C: 30}
    assert [g.grade for g in r.renovation.must_demolish] == [Grade.D]
    assert {h.grade: h.yuan for h in r.demolition.household} == {Grade.D: 16600}
    assert {x.kind: x.yuan_per_m2 for x in r.new_build.rates} == {
        BuildingKind.STOREYED: 700,
        BuildingKind.BUNGALOW: 500,
        BuildingKind.ANCILLARY: 500,
    }
    land = {(x.land_use, x.location_class, x.tenure): x.yuan_per_m2 for x in r.setback.rates}
    R, C = LandUse.RESIDENTIAL, LandUse.COMMERCIAL
    A, G, U = Tenure.ALLOCATED, Tenure.GRANTED, Tenure.UNCERTIFIED
    assert land == {
        (R, None, A): 500,
        (R, None, G): 673,
        (R, None, U): 400,
        (C, 1, G): 1426,
        (C, 1, A): 1070,
        (C, 2, G): 1166,
        (C, 2, A): 875,
        (C, 3, G): 750,
        (C, 3, A): 675,
    }
    routes = {x.id: x for x in r.approval.routes}
    assert (routes["self_build"].area_below_m2, routes["self_build"].investment_at_most_yuan) == (D(500), D(1_000_000))
    permit = routes["construction_permit"]
    assert (permit.area_at_least_m2, permit.investment_at_least_yuan) == (D(500), D(1_000_000))
    assert [s.id for s in r.payment.new_build.stages] == ["main_built", "ancillary_built", "accepted"]


def _raw(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((schema.DATA / name).read_text(encoding="utf-8"))
    return copy.deepcopy(loaded)


BAOTOU, HANGJIN = "baotou-tech-use-first-2025.yaml", "hangjin-pingfang-2024.yaml"


def _breaks(name: str, change: Any) -> str:
    raw = _raw(name)
    change(raw)
    with pytest.raises(ValidationError) as refused:
        Programme.model_validate(raw)
    return str(refused.value)


def test_a_bad_seed_reference_is_refused() -> None:
    assert "seed" in _breaks(BAOTOU, lambda r: r["shares"][0]["cap"].update(seed="000#2248"))


def test_an_uncited_figure_is_refused() -> None:
    assert "quote" in _breaks(BAOTOU, lambda r: r["shares"][0]["cap"].pop("quote"))


def test_bands_must_rise_and_only_the_last_may_be_open() -> None:
    def swap(raw: dict[str, Any]) -> None:
        tiers = raw["shares"][2]["tiers"]
        tiers.reverse()

    assert "只有最后一档可以不设上限" in _breaks(BAOTOU, swap)


def test_a_rate_above_100_percent_is_refused() -> None:
    assert "percent" in _breaks(BAOTOU, lambda r: r["shares"][1]["tiers"][0].update(percent=110))


def test_a_missing_new_build_rate_is_refused() -> None:
    assert "新建补贴" in _breaks(HANGJIN, lambda r: r["renewal"]["new_build"]["rates"].pop())


def test_a_duplicate_land_rate_is_refused() -> None:
    def twice(raw: dict[str, Any]) -> None:
        rates = raw["renewal"]["setback"]["rates"]
        rates.append(dict(rates[0]))

    assert "重复" in _breaks(HANGJIN, twice)


def test_a_grade_that_must_be_demolished_cannot_also_be_renovated() -> None:
    def renovate_d(raw: dict[str, Any]) -> None:
        rates = raw["renewal"]["renovation"]["rates"]
        rates.append(dict(rates[0], grade="D"))

    assert "须拆除" in _breaks(HANGJIN, renovate_d)


def test_an_unknown_field_is_refused() -> None:
    assert "extra" in _breaks(HANGJIN, lambda r: r["renewal"].update(bonus=Decimal(1)))


def test_the_setback_sentence_is_held_in_both_readings() -> None:
    """004#L9292-L9294 read two ways; the seed's own words are the default until an administrator chooses."""
    renewal = programmes()["hangjin-pingfang-2024"].renewal
    assert renewal is not None
    readings = renewal.setback.readings
    assert (readings.question, readings.default) == ("setback_area", "pre_setback_plot")
    options = {o.id: o for o in readings.options}
    assert {o: str(options[o].area) for o in options} == {"pre_setback_plot": "plot", "land_given_up": "given_up"}
    assert options["pre_setback_plot"].quote == "按照退线前土地面积计算"
    assert "L9292-L9294" in readings.why  # the default says why it is the default


def test_a_default_reading_must_be_one_of_the_options() -> None:
    broken = _breaks(HANGJIN, lambda r: r["renewal"]["setback"]["readings"].update(default="half_and_half"))
    assert "默认理解" in broken
