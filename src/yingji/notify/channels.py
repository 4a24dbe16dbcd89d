"""Channel adapters. Each delivers one outbox item or raises DeliveryError; each passes the item's idempotency key."""

from __future__ import annotations

import hashlib
import smtplib
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from yingji.config import Settings, get_settings
from yingji.db.outbox import OutboxItem

RECEIPT_TOPICS = ("warning",)  # topics with a receipt endpoint (POST /api/warnings/deliveries/{id}/ack)


class DeliveryError(Exception):
    """A delivery that may succeed later (network, gateway, disk)."""


def idempotency_key(item: OutboxItem) -> str:
    """An ASCII key, stable across retries (HTTP headers cannot carry the Chinese recipient names themselves)."""
    composite = f"{item.topic}:{item.key}:{item.channel}:{item.recipient}"
    return f"yingji-{item.key}-{hashlib.sha256(composite.encode('utf-8')).hexdigest()[:16]}"


def receipt(item: OutboxItem) -> dict[str, Any]:
    """What a recipient needs to confirm receipt: the item's id and a URL (with its token) to POST to, no login."""
    if item.topic not in RECEIPT_TOPICS or "ack_token" not in item.payload:
        return {}
    token = quote(str(item.payload["ack_token"]), safe="")
    url = f"{get_settings().resolved_public_url()}/api/warnings/deliveries/{item.id}/ack?token={token}"
    return {"delivery_id": item.id, "receipt_url": url, "receipt_method": "POST"}


def webhook(item: OutboxItem) -> None:
    """POST the payload as JSON to the recipient URL, with the receipt URL the recipient confirms on."""
    try:
        response = httpx.post(
            item.recipient,
            json=item.payload | receipt(item),
            timeout=10.0,
            headers={"Idempotency-Key": idempotency_key(item)},
        )
    except httpx.HTTPError as err:
        raise DeliveryError(f"webhook {type(err).__name__}") from err
    if response.status_code >= 300:
        raise DeliveryError(f"webhook HTTP {response.status_code}")


def sms(item: OutboxItem, settings: Settings | None = None) -> None:
    """Send through the configured SMS gateway's HTTP API: {"to": phone or "全网", "text": …}."""
    settings_now = settings or get_settings()
    gateway = settings_now.sms_gateway
    if not gateway:
        raise DeliveryError("未配置短信网关（YINGJI_SMS_GATEWAY）")
    text = str(item.payload.get("sms_text", ""))
    if item.payload.get("link"):  # a console page: the message says where to open it
        text += f" 详情：{settings_now.resolved_public_url()}{item.payload['link']}"
    body = {"to": item.recipient, "text": text, "id": idempotency_key(item)}
    body |= receipt(item)  # a gateway's delivery report confirms on the receipt URL
    try:
        response = httpx.post(gateway, json=body, timeout=10.0, headers={"Idempotency-Key": idempotency_key(item)})
    except httpx.HTTPError as err:
        raise DeliveryError(f"sms {type(err).__name__}") from err
    if response.status_code >= 300:
        raise DeliveryError(f"sms gateway HTTP {response.status_code}")


def email(item: OutboxItem, settings: Settings | None = None) -> None:
    settings = settings or get_settings()
    host = settings.smtp_host
    if not host:
        raise DeliveryError("未配置邮件服务器（YINGJI_SMTP_HOST）")
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = item.recipient
    message["Subject"] = " ".join(str(item.payload.get("headline", "预警信息")).split())  # no CR/LF in a header
    message["Message-ID"] = f"<{idempotency_key(item)}@yingji>"
    text, confirm = str(item.payload.get("text", "")), receipt(item)
    if confirm:
        text += f"\n\n收到后请确认（以 POST 请求此地址，无需登录）：{confirm['receipt_url']}"
    message.set_content(text)
    try:
        with smtplib.SMTP(host, settings.smtp_port, timeout=10) as client:
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as err:
        raise DeliveryError(f"smtp {type(err).__name__}") from err


def file_drop(item: OutboxItem) -> None:
    """Write the CAP XML into the broadcast system's drop folder: named by identifier, so a retry overwrites itself."""
    folder = Path(item.recipient)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{item.key}.xml"
        partial = folder / f".{item.key}.xml.part"
        partial.write_text(str(item.payload.get("cap_xml", "")), encoding="utf-8")
        partial.replace(target)  # atomic: the broadcast system never sees half a file
    except OSError as err:
        raise DeliveryError(f"file {type(err).__name__}") from err


ADAPTERS: dict[str, Callable[[OutboxItem], None]] = {
    "webhook": webhook,
    "sms": sms,
    "email": email,
    "file": file_drop,
}


def configured_recipients(settings: Settings | None = None) -> list[tuple[str, str]]:
    """Return (channel, recipient) pairs from the settings; SMS is added per warning where the plan requires it."""
    settings = settings or get_settings()
    pairs: list[tuple[str, str]] = []
    for url in filter(None, settings.warning_webhooks.split(",")):
        pairs.append(("webhook", url.strip()))
    for address in filter(None, settings.warning_emails.split(",")):
        pairs.append(("email", address.strip()))
    folder = settings.broadcast_dir
    if folder:
        pairs.append(("file", folder))
    return pairs


def describe(payload: dict[str, Any]) -> str:
    return str(payload.get("headline", ""))
