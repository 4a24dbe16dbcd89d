"""Format profiles are data: the bundled one loads and says it is unverified; a broken one is refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from yingji.core.errors import InvalidInput, PlanInvalid
from yingji.monitoring.networking.profile import BUNDLED, FileType, parse_profile, profile_by_id, profiles


def test_bundled_profile_covers_every_file_type_and_is_marked_unverified() -> None:
    profile = profile_by_id("kj-generic")
    assert profile.verified is False and profile.note
    assert set(profile.files) == set(FileType)
    assert profile.encodings == ["utf-8", "gbk"]
    assert {"M0101", "M0201", "M0302"} <= set(profile.analogue_types)


def _bundled() -> dict:  # type: ignore[type-arg]
    raw: dict = yaml.safe_load((BUNDLED / "kj-generic.yaml").read_text(encoding="utf-8"))  # type: ignore[type-arg]
    return raw


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda p: p["files"]["AQSS"]["fields"].pop(1), "files"),  # AQSS without its value
        (lambda p: p["files"]["AQSS"]["fields"][1].update(type="str"), "files"),  # value typed as text
        (lambda p: p["files"]["AQSS"]["fields"].append({"name": "colour", "label": "颜色", "type": "str"}), "files"),
        (lambda p: p["analogue_types"]["M0101"].update(unit="ppm"), "analogue_types"),  # not methane's unit
        (lambda p: p["location_classes"][0].update(location_class="食堂"), "location_classes"),  # no rule there
        (lambda p: p.update(encodings=["latin-1"]), "encodings"),
        (lambda p: p.update(verified="perhaps"), "verified"),
    ],
)
def test_a_broken_profile_is_refused_naming_why(change, field) -> None:  # type: ignore[no-untyped-def]
    raw = _bundled()
    change(raw)
    with pytest.raises(PlanInvalid) as caught:
        parse_profile(yaml.safe_dump(raw, allow_unicode=True), "broken.yaml")
    assert caught.value.status == 422 and caught.value.subcode == "monitoring.networking.profile_invalid"
    assert caught.value.params.get("details")


def test_unknown_profile_is_422() -> None:
    with pytest.raises(InvalidInput) as caught:
        profile_by_id("shanxi-2010")
    assert caught.value.subcode == "monitoring.networking.unknown_profile"


def test_a_province_profile_beside_the_bundled_ones(tmp_path: Path) -> None:
    raw = _bundled()
    raw.update(id="utf8-only", encodings=["utf-8"], verified=False)
    (tmp_path / "utf8-only.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert set(profiles(tmp_path)) == {"kj-generic", "utf8-only"}
    assert profile_by_id("utf8-only", tmp_path).encodings == ["utf-8"]
