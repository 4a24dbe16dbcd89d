"""Other agencies' CAP 1.2 alerts coming in (issue 26 item 3; 000#L1177–L1191: the meteorological, natural-resources
and earthquake bodies' warnings): read a single alert or an Atom feed carrying alerts, check them against the CAP 1.2
rules (required elements, value lists, time format), and keep what a supervisor needs — who sent it, what, how bad,
where, until when, and which earlier alert it updates or cancels.

Unlike ``cap.parse`` (our own profile, round-trip exact) this reads the whole CAP 1.2 element set: several ``<info>``
blocks (the Chinese one is used), circles, any geocode scheme, resources (named, not fetched). Pure: no I/O.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime
from typing import get_args

from yingji.warnings.cap import (
    ATOM_NS,
    CAP_NS,
    LEVEL_PARAMETER,
    CapError,
    CapReference,
    Category,
    Certainty,
    Severity,
    Urgency,
    _Children,
    _local,
    _pairs,
    _parse_polygon,
    _parse_references,
    _parse_time,
    _text,
)

STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
MSG_TYPES = ("Alert", "Update", "Cancel", "Ack", "Error")
SCOPES = ("Public", "Restricted", "Private")
ALERT_CHILDREN = (
    *("identifier", "sender", "sent", "status", "msgType", "source", "scope", "restriction", "addresses", "code"),
    *("note", "references", "incidents", "info"),
)
INFO_CHILDREN = (
    *("language", "category", "event", "responseType", "urgency", "severity", "certainty", "audience", "eventCode"),
    *("effective", "onset", "expires", "senderName", "headline", "description", "instruction", "web", "contact"),
    *("parameter", "resource", "area"),
)
AREA_CHILDREN = ("areaDesc", "polygon", "circle", "geocode", "altitude", "ceiling")
RESOURCE_CHILDREN = ("resourceDesc", "mimeType", "size", "uri", "derefUri", "digest")
LEVEL_LABELS = {"红色": 1, "橙色": 2, "黄色": 3, "蓝色": 4}
SEVERITY_LEVEL = {"Extreme": 1, "Severe": 2, "Moderate": 3, "Minor": 4}  # the same reading as our own (cap.LEVEL_CAP)


@dataclass(frozen=True)
class ExternalArea:
    description: str
    geocodes: tuple[tuple[str, str], ...]  # (scheme, value) as sent
    polygons: tuple[tuple[tuple[float, float], ...], ...]  # rings of (lon, lat)
    circles: tuple[tuple[float, float, float], ...]  # (lon, lat, radius km)


@dataclass(frozen=True)
class ExternalAlert:
    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    scope: str
    references: tuple[CapReference, ...]
    language: str | None
    categories: tuple[str, ...]
    event: str | None
    urgency: str | None
    severity: str | None
    certainty: str | None
    level: int | None  # 1 红 … 4 蓝: the 预警级别 parameter, else the severity read as ours
    sender_name: str | None
    headline: str | None
    description: str | None
    instruction: str | None
    effective: datetime | None
    expires: datetime | None
    areas: tuple[ExternalArea, ...]
    resources: tuple[str, ...] = field(default=())


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    value = value.strip()
    if value not in allowed:
        raise CapError(f"<{name}> must be one of {', '.join(allowed)}: {value!r}")
    return value


def _circle(text: str) -> tuple[float, float, float]:
    point, _, radius = text.strip().partition(" ")
    lat, comma, lon = point.partition(",")
    try:
        values = (float(lon), float(lat), float(radius))
    except ValueError:
        raise CapError(f"a circle is 'lat,lon radius': {text!r}") from None
    if not comma or not (-180 <= values[0] <= 180 and -90 <= values[1] <= 90 and values[2] >= 0):
        raise CapError(f"a circle is 'lat,lon radius' with a point on the earth: {text!r}")
    return values


def _area(element: ET.Element) -> ExternalArea:
    children = _Children(element, AREA_CHILDREN)
    polygons = tuple(_parse_polygon(_text(p)) for p in children.all("polygon"))
    for ring in polygons:
        if len(ring) < 4 or ring[0] != ring[-1]:
            raise CapError("a polygon is a closed ring of at least four points")
    return ExternalArea(
        description=children.one("areaDesc").strip(),
        geocodes=tuple((name.strip(), value.strip()) for name, value in _pairs(children.all("geocode"))),
        polygons=polygons,
        circles=tuple(_circle(_text(c)) for c in children.all("circle")),
    )


def _time(name: str, text: str | None) -> datetime | None:
    return None if text is None else _parse_time(name, text.strip())


def _level(severity: str | None, parameters: list[tuple[str, str]]) -> int | None:
    labels = [value.strip() for name, value in parameters if name.strip() == LEVEL_PARAMETER]
    for label in labels:
        for colour, level in LEVEL_LABELS.items():
            if colour in label:
                return level
    return SEVERITY_LEVEL.get(severity or "")


def _chosen_info(infos: list[ET.Element]) -> ET.Element | None:
    """The Chinese <info> if there is one (CMA alerts carry zh-CN and en-US), else the first."""
    for info in infos:
        language = next((c for c in info if isinstance(c.tag, str) and _local(c.tag) == "language"), None)
        if language is not None and (language.text or "").strip().lower().startswith("zh"):
            return info
    return infos[0] if infos else None


def read_alert(root: ET.Element) -> ExternalAlert:
    """One <alert> element, checked against CAP 1.2's required elements and value lists."""
    if root.tag != f"{{{CAP_NS}}}alert":
        raise CapError(f"the root element is <{_local(root.tag)}>, not a CAP 1.2 <alert>")
    alert = _Children(root, ALERT_CHILDREN)
    sent = _parse_time("sent", alert.one("sent").strip())
    references = alert.optional("references")
    msg_type = _choice("msgType", alert.one("msgType"), MSG_TYPES)
    if msg_type in ("Update", "Cancel") and not references:
        raise CapError(f"an {msg_type} names the alerts it refers to in <references>")
    base = {
        "identifier": alert.one("identifier").strip(),
        "sender": alert.one("sender").strip(),
        "sent": sent,
        "status": _choice("status", alert.one("status"), STATUSES),
        "msg_type": msg_type,
        "scope": _choice("scope", alert.one("scope"), SCOPES),
        "references": _parse_references(references) if references else (),
    }
    if not base["identifier"] or not base["sender"]:
        raise CapError("<identifier> and <sender> must not be empty")
    chosen = _chosen_info(alert.all("info"))
    if chosen is None:
        return ExternalAlert(
            **base,  # type: ignore[arg-type]
            language=None,
            categories=(),
            event=None,
            urgency=None,
            severity=None,
            certainty=None,
            level=None,
            sender_name=None,
            headline=None,
            description=None,
            instruction=None,
            effective=None,
            expires=None,
            areas=(),
        )
    info = _Children(chosen, INFO_CHILDREN)
    categories = tuple(_choice("category", _text(c), get_args(Category)) for c in info.all("category"))
    if not categories:
        raise CapError("<info> lacks <category>")
    severity = _choice("severity", info.one("severity"), get_args(Severity))
    resources = []
    for element in info.all("resource"):
        resource = _Children(element, RESOURCE_CHILDREN)
        resources.append(resource.one("resourceDesc").strip())
    return ExternalAlert(
        **base,  # type: ignore[arg-type]
        language=(info.optional("language") or "en-US").strip(),
        categories=categories,
        event=info.one("event").strip(),
        urgency=_choice("urgency", info.one("urgency"), get_args(Urgency)),
        severity=severity,
        certainty=_choice("certainty", info.one("certainty"), get_args(Certainty)),
        level=_level(severity, _pairs(info.all("parameter"))),
        sender_name=(info.optional("senderName") or "").strip() or None,
        headline=(info.optional("headline") or "").strip() or None,
        description=(info.optional("description") or "").strip() or None,
        instruction=(info.optional("instruction") or "").strip() or None,
        effective=_time("effective", info.optional("effective")),
        expires=_time("expires", info.optional("expires")),
        areas=tuple(_area(a) for a in info.all("area")),
        resources=tuple(resources),
    )


@dataclass(frozen=True)
class Entry:
    """One alert of a document: read, or refused with why (an Atom feed's other entries still count)."""

    position: int
    alert: ExternalAlert | None
    problem: str | None


def read_document(xml: bytes) -> list[Entry]:
    """A single CAP alert, or an Atom feed whose entries carry alerts inline (an entry that only links to one is
    reported: the platform does not fetch from the network on a feed's say-so)."""
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise CapError("a CAP document may not carry a DOCTYPE or entities")
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise CapError(f"not well-formed XML: {exc}") from exc
    if root.tag == f"{{{CAP_NS}}}alert":
        return [Entry(1, read_alert(root), None)]
    if root.tag != f"{{{ATOM_NS}}}feed":
        raise CapError(f"neither a CAP 1.2 <alert> nor an Atom <feed>: <{_local(root.tag)}>")
    entries = []
    for position, entry in enumerate(root.iter(f"{{{ATOM_NS}}}entry"), start=1):
        inline = next(entry.iter(f"{{{CAP_NS}}}alert"), None)
        if inline is None:
            entries.append(Entry(position, None, "条目未内嵌 CAP 预警（只有链接），未导入"))
            continue
        try:
            entries.append(Entry(position, read_alert(inline), None))
        except CapError as err:
            entries.append(Entry(position, None, str(err)))
    return entries
