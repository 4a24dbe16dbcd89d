"""deliver_due(): claim due outbox items, deliver each outside any transaction, record sent or failed."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from sqlalchemy.orm import Session, sessionmaker

from yingji.core.clock import Clock
from yingji.db import outbox
from yingji.db.outbox import OutboxItem
from yingji.db.session import transaction
from yingji.notify.channels import ADAPTERS, DeliveryError

logger = logging.getLogger(__name__)


def deliver_due(
    *,
    makers: sessionmaker[Session],
    clock: Clock,
    adapters: Mapping[str, Callable[[OutboxItem], None]] = ADAPTERS,
) -> tuple[int, int]:
    """Deliver what is due; returns (sent, failed). Never holds a transaction open across a network call."""
    with makers() as db_session, transaction(db_session):
        claimed = outbox.claim(db_session=db_session, now=clock.now())
        for item in claimed:
            db_session.expunge(item)
    sent = failed = 0
    for item in claimed:
        adapter = adapters.get(item.channel)
        try:
            if adapter is None:
                raise DeliveryError(f"未知渠道 {item.channel}")
            adapter(item)
        except Exception as err:  # any failure of one item is recorded; it never strands the rest of the batch
            with makers() as db_session, transaction(db_session):
                reason = str(err) if isinstance(err, DeliveryError) else f"{type(err).__name__}: {err}"
                outbox.record_failure(db_session=db_session, item_id=item.id, now=clock.now(), error=reason)
            logger.warning("delivery failed item=%s channel=%s error=%s", item.id, item.channel, type(err).__name__)
            failed += 1
            continue
        with makers() as db_session, transaction(db_session):
            outbox.record_sent(db_session=db_session, item_id=item.id, now=clock.now())
        sent += 1
    return sent, failed
