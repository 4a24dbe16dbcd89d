"""Settings from YINGJI_* environment variables, built once and passed down."""

from __future__ import annotations

import logging
import os
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """Return the per-user data directory (XDG on Linux): where the embedded SQLite file lives."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "yingji"


TILE_UNSAFE = re.compile(r"[\s;,'\"<>\\]")  # would end or extend a CSP source list, or an HTML attribute
READING_RETENTION_DAYS = 400  # a year of trends plus the 30-day supplementary-report window (decisions.md)


class Settings(BaseSettings):
    """Every YINGJI_* variable, validated once; an empty variable counts as unset (the documented defaults apply)."""

    model_config = SettingsConfigDict(env_prefix="YINGJI_", extra="ignore", env_ignore_empty=True)

    database_url: str | None = None
    data_dir: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    mqtt_broker: str | None = None
    # the monitoring cluster (serve --role edge|worker): NATS servers, comma-separated, and the partition lease
    nats_urls: str | None = None
    nats_replicas: int = 3
    cluster_lease_s: float = 5.0  # takeover ≈ lease + lease/3 + replay: within 10 s (docs/cluster.md)
    # mine networking files (monitoring/networking): the drop folder (<drop>/<feed code>/, polled by the worker),
    # province profiles beside the bundled ones, and how many declared cycles without a file stop a feed
    networking_drop: Path | None = None
    networking_profiles: Path | None = None
    networking_stale_cycles: int = 3  # host:port of an MQTT broker to take gateway batches from (yingji/readings/#)
    reading_retention_days: int = READING_RETENTION_DAYS  # per-minute readings older than this are deleted
    audit_key_file: Path | None = None  # HMAC keys of the audit chain; outside the database (decisions.md)
    audit_checkpoint_file: Path | None = None  # the signed chain head, written after appends
    public_url: str | None = None  # how recipients reach this platform, e.g. https://yingji.example.gov.cn
    # TLS-terminating proxies (addresses or networks, comma-separated) whose X-Forwarded-Proto/-For are believed:
    # behind them the session cookie is Secure. Empty: forwarded headers are ignored.
    trusted_proxies: str = ""
    # Login throttling (docs/decisions.md): so many failed logins within the window, per account and per client
    # address, lock further attempts out for login_lockout_s, doubling with each later failure up to the maximum.
    login_failures_per_account: int = 5
    login_failures_per_address: int = 20
    login_failure_window_s: int = 900
    login_lockout_s: int = 60
    login_lockout_max_s: int = 900
    # Anonymous public forms (tips, owners' complaints): submissions allowed per client address and per target
    # (a compound; a tip's division and subject) within each window.
    public_form_per_address: int = 5
    public_form_address_window_s: int = 3600
    public_form_per_target: int = 5
    public_form_target_window_s: int = 86400
    worker_interval_s: float = 30.0  # how often serve's worker runs its round (clocks, no-data check, deliveries)
    engine_poll_s: float = 2.0  # how often serve checks (or tries to take) ownership of the monitoring engine
    advertise_url: str | None = None  # this process's own address, named by the others while it owns the engine
    seeds_dir: Path | None = None  # the seed gazettes for citation checks; default ../shared/seeds beside the checkout
    hazard_ladder: Path | None = None  # replaces hazards/data/ladder.yaml (the overdue ladder)
    metrology_defaults: Path | None = None  # replaces metrology/defaults.yaml (instrument kinds, due-soon window)
    # 一张图's optional base layer: an XYZ tile URL on the deployment's own network (天地图 intranet or an own tile
    # server), e.g. https://tiles.example.gov.cn/{z}/{x}/{y}.png — never a public CDN; unset: offline boundaries only
    map_tiles: str | None = None
    chromium: str | None = None  # the Chromium binary for PDF reports; default: chromium on PATH
    # warning channels (notify/channels.py): where every issued warning is queued, and how it is delivered
    warning_webhooks: str = ""  # comma-separated URLs
    warning_emails: str = ""  # comma-separated addresses, sent through smtp_host
    broadcast_dir: str | None = None  # the broadcast system's drop folder for CAP XML
    sms_gateway: str | None = None  # HTTP API of the SMS gateway (network-wide SMS for 暴雨、暴雪、大风)
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "yingji@localhost"
    new_password: SecretStr | None = None  # `yingji users add|password` without a prompt (scripts, tests)

    @field_validator("map_tiles")
    @classmethod
    def _tile_template(cls, value: str | None) -> str | None:
        """An http(s) XYZ template with {z}, {x} and {y} and nothing a security policy could be bent by."""
        if value is None:
            return None
        parts = urlsplit(value)
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or not all(k in value for k in ("{z}", "{x}", "{y}"))
            or TILE_UNSAFE.search(value)
        ):
            raise ValueError(
                "YINGJI_MAP_TILES：须为 http(s) 瓦片地址模板，含 {z}、{x}、{y}，如 https://tiles.example/{z}/{x}/{y}.png"
            )
        return value

    def map_tile_origin(self) -> str | None:
        """The tile server's origin, which the map page's Content-Security-Policy lets images come from."""
        if not self.map_tiles:
            return None
        parts = urlsplit(self.map_tiles)
        return f"{parts.scheme}://{parts.netloc}"

    def resolved_data_dir(self) -> Path:
        return self.data_dir or default_data_dir()

    def resolved_audit_key_file(self) -> Path:
        return self.audit_key_file or self.resolved_data_dir() / "audit.key"

    def resolved_audit_checkpoint_file(self) -> Path:
        return self.audit_checkpoint_file or self.resolved_data_dir() / "audit-checkpoint.json"

    def resolved_public_url(self) -> str:
        """The base URL put into delivery payloads (receipts); defaults to the address serve listens on."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def resolved_database_url(self) -> str:
        """Return the configured URL, or the embedded SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_data_dir() / 'yingji.sqlite3'}"


@cache
def get_settings() -> Settings:
    return Settings()


def setup_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
