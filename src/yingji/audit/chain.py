"""The audit hash chain: what each entry's hash covers, so writers and the verifier agree byte for byte.

A signed entry's hash is an HMAC-SHA256 with a key kept outside the database (keys.py) and its body names the key;
entries written before the chain was keyed keep their plain SHA-256 (the legacy prefix).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    target_kind: str,
    target_key: str,
    detail: dict[str, Any] | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    prev_hash: str,
    key: bytes | None = None,
    key_id: str | None = None,
) -> str:
    """Return the HMAC (with ``key``) or, unkeyed, the SHA-256 of the entry's canonical JSON (sorted keys, UTC time
    to the microsecond)."""
    body = {
        "seq": seq,
        "at": at.isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "target_kind": target_kind,
        "target_key": target_key,
        "detail": detail or {},
        "before": before,
        "after": after,
        "prev_hash": prev_hash,
    }
    if key is not None:
        body["key_id"] = key_id
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    if key is not None:
        return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
