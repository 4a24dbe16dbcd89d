"""Settings: every documented YINGJI_* variable reaches its field, and the channel recipients come from Settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from yingji.config import Settings
from yingji.notify.channels import configured_recipients

VARIABLES = [  # (variable as the README documents it, value, field, parsed value)
    ("YINGJI_DATABASE_URL", "postgresql://u@h/db", "database_url", "postgresql://u@h/db"),
    ("YINGJI_PORT", "9000", "port", 9000),
    ("YINGJI_MQTT_BROKER", "127.0.0.1:1883", "mqtt_broker", "127.0.0.1:1883"),
    ("YINGJI_READING_RETENTION_DAYS", "30", "reading_retention_days", 30),
    ("YINGJI_SEEDS_DIR", "/srv/seeds", "seeds_dir", Path("/srv/seeds")),
    ("YINGJI_HAZARD_LADDER", "/etc/yingji/ladder.yaml", "hazard_ladder", Path("/etc/yingji/ladder.yaml")),
    ("YINGJI_METROLOGY_DEFAULTS", "/etc/yingji/m.yaml", "metrology_defaults", Path("/etc/yingji/m.yaml")),
    ("YINGJI_CHROMIUM", "/opt/chromium", "chromium", "/opt/chromium"),
    ("YINGJI_SMS_GATEWAY", "http://sms.local/send", "sms_gateway", "http://sms.local/send"),
    ("YINGJI_SMTP_HOST", "mail.local", "smtp_host", "mail.local"),
    ("YINGJI_SMTP_PORT", "587", "smtp_port", 587),
    ("YINGJI_SMTP_FROM", "yj@gov.cn", "smtp_from", "yj@gov.cn"),
    ("YINGJI_WARNING_WEBHOOKS", "http://a,http://b", "warning_webhooks", "http://a,http://b"),
    ("YINGJI_WARNING_EMAILS", "duty@gov.cn", "warning_emails", "duty@gov.cn"),
    ("YINGJI_BROADCAST_DIR", "/srv/broadcast", "broadcast_dir", "/srv/broadcast"),
]


@pytest.mark.parametrize(("variable", "value", "field", "parsed"), VARIABLES, ids=[v[0] for v in VARIABLES])
def test_each_variable_reaches_its_field(
    variable: str, value: str, field: str, parsed: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, value)
    assert getattr(Settings(), field) == parsed


def test_an_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    """As before Settings held them: `YINGJI_X=` falls back to the default (tests clear the database URL so)."""
    for variable in ("YINGJI_DATABASE_URL", "YINGJI_SMTP_PORT", "YINGJI_CHROMIUM", "YINGJI_NEW_PASSWORD"):
        monkeypatch.setenv(variable, "")
    settings = Settings()
    assert settings.database_url is None and settings.smtp_port == 25 and settings.chromium is None
    assert settings.new_password is None


def test_the_new_password_is_kept_out_of_reprs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YINGJI_NEW_PASSWORD", "a-long-enough-password")
    settings = Settings()
    assert settings.new_password is not None and settings.new_password.get_secret_value() == "a-long-enough-password"
    assert "a-long-enough-password" not in repr(settings)


def test_recipients_come_from_the_settings() -> None:
    settings = Settings(warning_webhooks="http://a/hook, http://b/hook", warning_emails="duty@x.cn", broadcast_dir="/b")
    assert configured_recipients(settings) == [
        ("webhook", "http://a/hook"),
        ("webhook", "http://b/hook"),
        ("email", "duty@x.cn"),
        ("file", "/b"),
    ]
    assert configured_recipients(Settings(warning_webhooks="", warning_emails="", broadcast_dir=None)) == []
