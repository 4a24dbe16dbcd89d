"""CAP 1.2 messages for 预警: render and parse the XML, build GB/T 35965.1-style identifiers, and an Atom feed.

Pure: no clock, no I/O. Callers pass every time in; all times are written in Beijing time (UTC+08:00).

The XML is built and read with the standard library's ElementTree, so the module needs no XML package at run time.
The tests check the output against the OASIS CAP 1.2 schema.

Scope. The module models the CAP subset a Chinese 预警 uses: one ``<info>`` block, one category, GB/T 2260 geocodes
and polygons. ``parse`` reads that subset back and refuses anything outside it (circles, resources, eventCodes,
several ``<info>`` blocks, …) with ``CapError`` rather than dropping data without a word. XML-DSig signatures are
skipped: they are neither kept nor verified.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from types import MappingProxyType
from typing import Final, Literal, TypeAlias, get_args
from urllib.parse import quote

from yingji.rules.levels import WarningLevel

CAP_NS: Final = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS: Final = "http://www.w3.org/2005/Atom"
XMLDSIG_NS: Final = "http://www.w3.org/2000/09/xmldsig#"
CAP_MEDIA_TYPE: Final = "application/cap+xml"

BEIJING: Final = timezone(timedelta(hours=8))
"""北京时间 is UTC+8 by definition, with no daylight saving, so a fixed offset (no tz database) is exact."""

LEVEL_PARAMETER: Final = "预警级别"
"""valueName of the ``<parameter>`` that carries the Chinese level label (红色/橙色/黄色/蓝色)."""

GEOCODE_SCHEME: Final = "GB/T 2260"
"""valueName of every ``<geocode>``: the value is a six-digit GB/T 2260 division code."""

Status: TypeAlias = Literal["Actual", "Exercise", "System", "Test", "Draft"]
MsgType: TypeAlias = Literal["Alert", "Update", "Cancel"]
Scope: TypeAlias = Literal["Public"]
Category: TypeAlias = Literal[
    "Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other"
]
Urgency: TypeAlias = Literal["Immediate", "Expected", "Future", "Past", "Unknown"]
Severity: TypeAlias = Literal["Extreme", "Severe", "Moderate", "Minor", "Unknown"]
Certainty: TypeAlias = Literal["Observed", "Likely", "Possible", "Unlikely", "Unknown"]

# 预警级别 → CAP (urgency, severity, certainty).
#
# No standard text fixing this mapping was found (GB/T 35965.1-2018 is not available: regulations.md §7.2), so the
# table is a PROJECT DECISION, made on these grounds:
# - severity: 一级…四级 = 红/橙/黄/蓝 (突发事件应对法 第六十三条, regulations.md §7.1) taken one-to-one onto CAP's four
#   real severities. Published titles pair blue with "IV/一般" (regulations.md §7.2), and 特别重大/重大/较大/一般
#   reads naturally as Extreme ("extraordinary threat") / Severe ("significant") / Moderate ("possible") / Minor.
#   One severity per level also lets ``parse`` recover the level when the level parameter is missing.
# - urgency: the law splits the measures in two. After a 一级 or 二级 warning the government acts at once
#   (第六十七条: rescue teams on standby, evacuation, closing places); after a 三级 or 四级 warning it watches and
#   prepares (第六十六条). So red and orange are Immediate, yellow and blue are Future.
# - certainty: a warning is a forecast judged more likely than not. The level says how bad, not how sure, so all
#   four levels are Likely.
# No level uses "Unknown"; wmo-raf/cap-composer#65 dropped it from its composer on purpose (anchor-systems.md §4.4).
LEVEL_CAP: Final[Mapping[WarningLevel, tuple[Urgency, Severity, Certainty]]] = MappingProxyType(
    {
        WarningLevel.RED: ("Immediate", "Extreme", "Likely"),
        WarningLevel.ORANGE: ("Immediate", "Severe", "Likely"),
        WarningLevel.YELLOW: ("Future", "Moderate", "Likely"),
        WarningLevel.BLUE: ("Future", "Minor", "Likely"),
    }
)

_LEVEL_BY_LABEL: Final = {level.label: level for level in WarningLevel}
_LEVEL_BY_SEVERITY: Final = {severity: level for level, (_, severity, _) in LEVEL_CAP.items()}

# CAP 1.2 §3.2.1: identifier and sender MUST NOT include spaces, commas or the restricted characters < and &.
_RESTRICTED: Final = re.compile(r"[\s,<&]")
_DIVISION: Final = re.compile(r"[0-9]{6}")
_CAP_TIME: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[-+][0-9]{2}:[0-9]{2}")
_LANGUAGE: Final = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")  # xs:language
_ABSOLUTE_IRI: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
# Characters XML 1.0 cannot carry at all (not even as character references).
_XML_ILLEGAL: Final = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_XML_DECLARATION: Final = '<?xml version="1.0" encoding="UTF-8"?>\n'


class CapError(ValueError):
    """A message that cannot be rendered, or XML that is not a CAP message of the profile this module reads."""


def _check_token(field: str, value: str) -> None:
    if not value or _RESTRICTED.search(value):
        raise CapError(f"{field} must be non-empty, without spaces, commas, '<' or '&': {value!r}")


def _check_aware(field: str, value: datetime | None) -> None:
    if value is not None and value.utcoffset() is None:
        raise CapError(f"{field} must be an aware datetime")


def _check_choice(field: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise CapError(f"{field} must be one of {', '.join(allowed)}: {value!r}")


def _check_ring(ring: tuple[tuple[float, float], ...]) -> None:
    if len(ring) < 4 or ring[0] != ring[-1]:
        raise CapError("a polygon must be a closed ring of at least 4 points, the first equal to the last")
    for point in ring:
        if len(point) != 2:
            raise CapError(f"a polygon point is a (lon, lat) pair: {point!r}")
        lon, lat = point
        if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            raise CapError(f"a polygon point is a WGS 84 (lon, lat) pair in range: {point!r}")


@dataclass(frozen=True, kw_only=True, slots=True)
class CapArea:
    """One ``<area>``: a description with GB/T 2260 geocodes and/or polygons.

    Polygons are given as closed rings of (lon, lat) pairs and written the CAP way, as "lat,lon lat,lon …".
    An area needs at least one geocode or polygon; the description alone cannot be targeted.
    """

    description: str
    geocodes: tuple[str, ...]
    polygons: tuple[tuple[tuple[float, float], ...], ...] = ()

    def __post_init__(self) -> None:
        if not self.description.strip():
            raise CapError("an area needs a description")
        if not self.geocodes and not self.polygons:
            raise CapError(f"area {self.description!r} needs at least one geocode or polygon")
        for code in self.geocodes:
            if not _DIVISION.fullmatch(code):
                raise CapError(f"a geocode is a six-digit GB/T 2260 division code: {code!r}")
        for ring in self.polygons:
            _check_ring(ring)


@dataclass(frozen=True, kw_only=True, slots=True)
class CapReference:
    """An earlier message that an Update or Cancel refers to."""

    sender: str
    identifier: str
    sent: datetime

    def __post_init__(self) -> None:
        _check_token("reference sender", self.sender)
        _check_token("reference identifier", self.identifier)
        _check_aware("reference sent", self.sent)


@dataclass(frozen=True, kw_only=True, slots=True)
class CapMessage:
    """One CAP 1.2 alert with a single ``<info>`` block.

    Urgency, severity and certainty are not fields: they follow from ``level`` through ``LEVEL_CAP``, and the level's
    Chinese label goes out as the ``预警级别`` parameter (reserved: ``parameters`` may not use that name).
    Times must be aware; they are written in Beijing time without fractional seconds (truncated).
    """

    identifier: str
    sender: str
    sent: datetime
    status: Status
    msg_type: MsgType
    scope: Scope = "Public"
    references: tuple[CapReference, ...] = ()
    note: str | None = None
    language: str = "zh-CN"
    category: Category
    event: str
    level: WarningLevel
    headline: str
    description: str
    instruction: str | None = None
    sender_name: str
    effective: datetime | None = None
    onset: datetime | None = None
    expires: datetime | None = None
    web: str | None = None
    contact: str | None = None
    parameters: tuple[tuple[str, str], ...] = ()
    areas: tuple[CapArea, ...]

    def __post_init__(self) -> None:
        _check_token("identifier", self.identifier)
        _check_token("sender", self.sender)
        for name in ("sent", "effective", "onset", "expires"):
            _check_aware(name, getattr(self, name))
        _check_choice("status", self.status, get_args(Status))
        _check_choice("msg_type", self.msg_type, get_args(MsgType))
        _check_choice("scope", self.scope, get_args(Scope))
        _check_choice("category", self.category, get_args(Category))
        if not isinstance(self.level, WarningLevel):
            raise CapError(f"level must be a WarningLevel: {self.level!r}")
        if not _LANGUAGE.fullmatch(self.language):
            raise CapError(f"language must be an RFC 3066 tag such as zh-CN: {self.language!r}")
        if not self.event.strip():
            raise CapError("event must not be empty")
        if any(name == LEVEL_PARAMETER for name, _ in self.parameters):
            raise CapError(f"parameter {LEVEL_PARAMETER!r} is written from level; do not pass it")
        if not self.areas:
            raise CapError("a warning needs at least one area (突发事件应对法 第六十四条: 可能影响的范围)")


def cap_time(at: datetime) -> str:
    """Return ``at`` in CAP form, Beijing time, whole seconds: ``2024-01-02T08:30:00+08:00``."""
    _check_aware("time", at)
    return at.astimezone(BEIJING).replace(microsecond=0).isoformat()


def _parse_time(field: str, text: str) -> datetime:
    text = text.strip()
    if not _CAP_TIME.fullmatch(text):
        raise CapError(f"{field} is not a CAP time (YYYY-MM-DDThh:mm:ss+hh:mm): {text!r}")
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise CapError(f"{field} is not a valid time: {text!r}") from exc


def _optional_time(field: str, text: str | None) -> datetime | None:
    return _parse_time(field, text) if text is not None else None


def _check_references(message: CapMessage) -> None:
    if message.msg_type in ("Update", "Cancel") and not message.references:
        raise CapError(f"a {message.msg_type} must reference the message(s) it updates or cancels")


def _coordinate(value: float) -> str:
    """Shortest text that reads back as the same float, never in exponent form (CAP wants plain decimals)."""
    return format(Decimal(repr(float(value))), "f")


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def _pair(parent: ET.Element, tag: str, name: str, value: str) -> None:
    element = ET.SubElement(parent, tag)
    _sub(element, "valueName", name)
    _sub(element, "value", value)


def _serialize(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    text = ET.tostring(root, encoding="unicode")
    if _XML_ILLEGAL.search(text):
        raise CapError("the text holds a character XML 1.0 cannot carry (a control character or lone surrogate)")
    # ElementTree leaves a carriage return in text content raw, and a parser would turn it into a newline.
    # Raw CRs can only be in text content (ElementTree escapes them in attributes), so a reference keeps them.
    text = text.replace("\r", "&#13;")
    return (_XML_DECLARATION + text + "\n").encode("utf-8")


def render(message: CapMessage) -> bytes:
    """Return the message as a UTF-8 CAP 1.2 document, elements in the order the OASIS schema requires.

    Raises ``CapError`` (a ``ValueError``) for an Update or Cancel without references.
    """
    _check_references(message)
    alert = ET.Element("alert", xmlns=CAP_NS)
    _sub(alert, "identifier", message.identifier)
    _sub(alert, "sender", message.sender)
    _sub(alert, "sent", cap_time(message.sent))
    _sub(alert, "status", message.status)
    _sub(alert, "msgType", message.msg_type)
    _sub(alert, "scope", message.scope)
    if message.note is not None:
        _sub(alert, "note", message.note)
    if message.references:
        refs = (f"{r.sender},{r.identifier},{cap_time(r.sent)}" for r in message.references)
        _sub(alert, "references", " ".join(refs))

    info = ET.SubElement(alert, "info")
    _sub(info, "language", message.language)
    _sub(info, "category", message.category)
    _sub(info, "event", message.event)
    urgency, severity, certainty = LEVEL_CAP[message.level]
    _sub(info, "urgency", urgency)
    _sub(info, "severity", severity)
    _sub(info, "certainty", certainty)
    for tag, at in (("effective", message.effective), ("onset", message.onset), ("expires", message.expires)):
        if at is not None:
            _sub(info, tag, cap_time(at))
    _sub(info, "senderName", message.sender_name)
    _sub(info, "headline", message.headline)
    _sub(info, "description", message.description)
    for tag, optional in (("instruction", message.instruction), ("web", message.web), ("contact", message.contact)):
        if optional is not None:
            _sub(info, tag, optional)
    _pair(info, "parameter", LEVEL_PARAMETER, message.level.label)
    for name, value in message.parameters:
        _pair(info, "parameter", name, value)
    for area in message.areas:
        element = ET.SubElement(info, "area")
        _sub(element, "areaDesc", area.description)
        for ring in area.polygons:
            _sub(element, "polygon", " ".join(f"{_coordinate(lat)},{_coordinate(lon)}" for lon, lat in ring))
        for code in area.geocodes:
            _pair(element, "geocode", GEOCODE_SCHEME, code)
    return _serialize(alert)


# ---------------------------------------------------------------------------------------------------------- parse


class _Children:
    """The CAP-namespace children of one element, grouped by local name; anything unexpected is refused."""

    def __init__(self, element: ET.Element, allowed: tuple[str, ...]) -> None:
        self.owner = _local(element.tag)
        self.groups: dict[str, list[ET.Element]] = {}
        for child in element:
            if not isinstance(child.tag, str):  # comments and processing instructions
                continue
            if child.tag.startswith(f"{{{XMLDSIG_NS}}}"):
                continue
            name = _local(child.tag)
            if not child.tag.startswith(f"{{{CAP_NS}}}") or name not in allowed:
                raise CapError(f"<{self.owner}> holds <{name}>, which this profile does not carry")
            self.groups.setdefault(name, []).append(child)

    def all(self, name: str) -> list[ET.Element]:
        return self.groups.get(name, [])

    def optional(self, name: str) -> str | None:
        found = self.all(name)
        if len(found) > 1:
            raise CapError(f"<{self.owner}> holds more than one <{name}>")
        return _text(found[0]) if found else None

    def one(self, name: str) -> str:
        text = self.optional(name)
        if text is None:
            raise CapError(f"<{self.owner}> lacks <{name}>")
        return text


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _text(element: ET.Element) -> str:
    if len(element):
        raise CapError(f"<{_local(element.tag)}> must hold text only")
    return element.text or ""


def _pairs(elements: list[ET.Element]) -> list[tuple[str, str]]:
    pairs = []
    for element in elements:
        children = _Children(element, ("valueName", "value"))
        pairs.append((children.one("valueName"), children.one("value")))
    return pairs


def _parse_polygon(text: str) -> tuple[tuple[float, float], ...]:
    points = []
    for pair in text.split():
        lat, comma, lon = pair.partition(",")
        try:
            points.append((float(lon), float(lat)))
        except ValueError:
            raise CapError(f"a polygon point is 'lat,lon': {pair!r}") from None
        if not comma:
            raise CapError(f"a polygon point is 'lat,lon': {pair!r}")
    return tuple(points)


def _parse_references(text: str) -> tuple[CapReference, ...]:
    references = []
    for triple in text.split():
        parts = triple.split(",")
        if len(parts) != 3:
            raise CapError(f"a reference is 'sender,identifier,sent': {triple!r}")
        sender, ident, sent = parts
        references.append(CapReference(sender=sender, identifier=ident, sent=_parse_time("reference sent", sent)))
    return tuple(references)


def _parse_area(element: ET.Element) -> CapArea:
    children = _Children(element, ("areaDesc", "polygon", "geocode"))
    geocodes = []
    for name, value in _pairs(children.all("geocode")):
        if name != GEOCODE_SCHEME:
            raise CapError(f"geocode scheme {name!r} is not {GEOCODE_SCHEME!r}")
        geocodes.append(value.strip())
    return CapArea(
        description=children.one("areaDesc"),
        geocodes=tuple(geocodes),
        polygons=tuple(_parse_polygon(_text(p)) for p in children.all("polygon")),
    )


def _level(urgency: str, severity: str, certainty: str, parameters: list[tuple[str, str]]) -> WarningLevel:
    labels = [value.strip() for name, value in parameters if name == LEVEL_PARAMETER]
    if len(labels) > 1:
        raise CapError(f"more than one {LEVEL_PARAMETER!r} parameter")
    if labels:
        if labels[0] not in _LEVEL_BY_LABEL:
            raise CapError(f"{LEVEL_PARAMETER!r} must be one of {', '.join(_LEVEL_BY_LABEL)}: {labels[0]!r}")
        level = _LEVEL_BY_LABEL[labels[0]]
    elif severity in _LEVEL_BY_SEVERITY:
        level = _LEVEL_BY_SEVERITY[severity]
    else:
        raise CapError(f"no {LEVEL_PARAMETER!r} parameter and severity {severity!r} names no level")
    if (urgency, severity, certainty) != LEVEL_CAP[level]:
        raise CapError(
            f"urgency/severity/certainty {urgency}/{severity}/{certainty} do not match level {level.label} "
            f"({'/'.join(LEVEL_CAP[level])})"
        )
    return level


def parse(xml: bytes) -> CapMessage:
    """Read a CAP 1.2 document of the profile ``render`` writes; ``parse(render(m)) == m`` for whole-second times.

    Raises ``CapError`` (a ``ValueError``) for XML that is not well formed, carries a DOCTYPE, holds elements this
    profile does not model, or breaks its rules (level parameter, geocode scheme, Update/Cancel references).
    """
    if b"<!DOCTYPE" in xml:
        raise CapError("a CAP message may not carry a DOCTYPE")
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise CapError(f"not well-formed XML: {exc}") from exc
    if root.tag != f"{{{CAP_NS}}}alert":
        raise CapError(f"the root element is {root.tag!r}, not a CAP 1.2 <alert>")

    alert = _Children(
        root,
        ("identifier", "sender", "sent", "status", "msgType", "scope", "note", "references", "info"),
    )
    infos = alert.all("info")
    if len(infos) != 1:
        raise CapError(f"this profile carries exactly one <info>, not {len(infos)}")
    info = _Children(
        infos[0],
        (
            *("language", "category", "event", "urgency", "severity", "certainty", "effective", "onset", "expires"),
            *("senderName", "headline", "description", "instruction", "web", "contact", "parameter", "area"),
        ),
    )
    categories = info.all("category")
    if len(categories) != 1:
        raise CapError(f"this profile carries exactly one <category>, not {len(categories)}")
    parameters = _pairs(info.all("parameter"))
    level = _level(info.one("urgency").strip(), info.one("severity").strip(), info.one("certainty").strip(), parameters)
    references = alert.optional("references")

    message = CapMessage(
        identifier=alert.one("identifier"),
        sender=alert.one("sender"),
        sent=_parse_time("sent", alert.one("sent")),
        status=alert.one("status").strip(),  # type: ignore[arg-type]  # checked in CapMessage.__post_init__
        msg_type=alert.one("msgType").strip(),  # type: ignore[arg-type]
        scope=alert.one("scope").strip(),  # type: ignore[arg-type]
        references=_parse_references(references) if references is not None else (),
        note=alert.optional("note"),
        language=(info.optional("language") or "en-US").strip(),  # the schema's default when absent
        category=_text(categories[0]).strip(),  # type: ignore[arg-type]
        event=info.one("event"),
        level=level,
        headline=info.optional("headline") or "",
        description=info.optional("description") or "",
        instruction=info.optional("instruction"),
        sender_name=info.optional("senderName") or "",
        effective=_optional_time("effective", info.optional("effective")),
        onset=_optional_time("onset", info.optional("onset")),
        expires=_optional_time("expires", info.optional("expires")),
        web=info.optional("web"),
        contact=info.optional("contact"),
        parameters=tuple((name, value) for name, value in parameters if name != LEVEL_PARAMETER),
        areas=tuple(_parse_area(area) for area in info.all("area")),
    )
    _check_references(message)
    return message


# ------------------------------------------------------------------------------------------------------ identifier


def identifier(
    *,
    division_code: str,
    agency_code: str = "000",
    sent: datetime,
    sequence: int = 0,
    unit_code: str = "000",
    extension: str = "00",
) -> str:
    """Return a GB/T 35965.1-style alert identifier ``ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N`` (31 characters).

    UNVERIFIED [B/C]: the format comes from a value-rule annex ("附录A 取值规则及说明") attributed to
    GB/T 35965.1-2018 or a local profile; the standard's full text was not found (regulations.md §7.2).

    - ZZZZZZ ``division_code``: six-digit GB/T 2260 division code of the issuer.
    - DDD ``agency_code``: three-digit agency/industry code per GB/T 4657; "000" unless known.
    - UUU ``unit_code``: internal sub-unit code, default "000".
    - XX ``extension``: extension code, default "00".
    - YYYYMMDDhhmmss: ``sent`` in Beijing time (GB/T 7408 basic format), whole seconds.
    - N ``sequence``: 0–9, to tell apart messages of one issuer in the same second.

    Published national-platform ids omit the ``_N`` suffix (``11010841600000_20211229072633``); this keeps it, as the
    annex does.
    """
    for field, value, width in (
        ("division_code", division_code, 6),
        ("agency_code", agency_code, 3),
        ("unit_code", unit_code, 3),
        ("extension", extension, 2),
    ):
        if not re.fullmatch(f"[0-9]{{{width}}}", value):
            raise CapError(f"{field} must be {width} ASCII digits: {value!r}")
    if not 0 <= sequence <= 9:
        raise CapError(f"sequence must be 0–9: {sequence}")
    _check_aware("sent", sent)
    local = sent.astimezone(BEIJING)
    result = f"{division_code}{agency_code}{unit_code}{extension}_{local:%Y%m%d%H%M%S}_{sequence}"
    if len(result) != 31:
        raise CapError(f"identifier {result!r} is not 31 characters (is the year outside 1000–9999?)")
    return result


# ------------------------------------------------------------------------------------------------------------ Atom


def atom_feed(
    messages: Sequence[CapMessage],
    *,
    feed_id: str,
    title: str,
    updated: datetime,
    link: str,
    author: str | None = None,
    self_link: str | None = None,
) -> bytes:
    """Return an Atom 1.0 feed with one entry per message, in the order given.

    Each entry: title = headline, updated = sent, author = sender_name, summary = description, category term = the
    level label, and a ``rel="alternate"`` link of type application/cap+xml to ``{link}/{identifier}.xml``. ``link``
    (and ``self_link``) may be relative; readers resolve them against the feed's own URL.

    The entry id is ``{feed_id}/{identifier}``, not the bare CAP identifier: Atom requires an absolute IRI
    (RFC 4287 §4.2.6), which ``15010200000000_20240101120000_0`` is not. Deriving it from ``feed_id``, which must be
    an absolute IRI and must never change, keeps entry ids stable if the CAP documents move.
    The feed's author is ``author``, or ``title`` when none is given (RFC 4287 needs one on an empty feed).
    """
    if not _ABSOLUTE_IRI.fullmatch(feed_id):
        raise CapError(f"feed_id must be an absolute IRI: {feed_id!r}")
    for field, value in (("link", link), ("self_link", self_link)):
        if value is not None and (not value or re.search(r"\s", value)):
            raise CapError(f"{field} must be a non-empty IRI reference without spaces: {value!r}")
    base = link.rstrip("/")
    id_base = feed_id.rstrip("/")

    feed = ET.Element("feed", xmlns=ATOM_NS)
    _sub(feed, "id", feed_id)
    _sub(feed, "title", title)
    _sub(feed, "updated", cap_time(updated))
    _sub(ET.SubElement(feed, "author"), "name", author if author is not None else title)
    if self_link is not None:
        ET.SubElement(feed, "link", rel="self", type="application/atom+xml", href=self_link)

    seen: set[str] = set()
    for message in messages:
        if message.identifier in seen:
            raise CapError(f"two messages share the identifier {message.identifier!r}")
        seen.add(message.identifier)
        escaped = quote(message.identifier, safe="")
        url = f"{base}/{escaped}.xml"
        entry = ET.SubElement(feed, "entry")
        _sub(entry, "id", f"{id_base}/{escaped}")
        _sub(entry, "title", message.headline)
        _sub(entry, "updated", cap_time(message.sent))
        _sub(ET.SubElement(entry, "author"), "name", message.sender_name)
        _sub(entry, "summary", message.description)
        ET.SubElement(entry, "link", rel="alternate", type=CAP_MEDIA_TYPE, href=url)
        ET.SubElement(entry, "category", term=message.level.label, label=f"{message.level.label}预警")
    return _serialize(feed)
