"""An engine worker of the cluster: owns partitions through leases and turns their records into committed alarms.

Per owned partition: restore the lease's snapshot (or load fresh), read the partition's subject from the snapshot's
sequence + 1 with an ephemeral pull consumer, apply every record; records up to the lease's committed sequence are
a replay (writes suppressed), later ones are committed in batches — alarms, minute rows and the committed sequence in
one transaction whose first statement is the fenced ``UPDATE … WHERE epoch = mine``. Sequences at or below the last
applied one are skipped (a consumer recreated after a leader change may deliver them again). Any failure drops the
partition's state; the partition is then taken again from its snapshot, so memory never runs ahead of the database.

Run: ``python -m yingji.monitoring.cluster.worker --nats URL[,URL…] --database URL [--name N] [--lease 5]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import faulthandler
import logging
import math
import os
import signal
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import psycopg
from nats import errors as nats_errors
from nats.aio.client import Client
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

import yingji.models  # noqa: F401 - every mapper, so the alarm tables' foreign keys resolve
from yingji import metrics
from yingji.db.session import make_engine, make_sessionmaker
from yingji.monitoring import readings
from yingji.monitoring.cluster import leases, protocol
from yingji.monitoring.cluster.partition import Output, PartitionEngine, write_outputs
from yingji.monitoring.cluster.stream import connect, ensure_stream
from yingji.rules import thresholds

logger = logging.getLogger(__name__)
T = TypeVar("T")
FETCH = 512  # records per fetch: one commit covers them
IDLE_COMMIT_S = 1.0  # records that write nothing (most ticks) are committed at most this often
QUIET_CHECK_S = 5.0  # a consumer silent this long is asked whether it still exists (recreated if not)
# What the stream's client raises while a node is down or the stream elects a leader: nats.errors.Error (the
# JetStream API's errors derive from it) and the timeouts of asyncio.wait_for (nats' own TimeoutError is one too).
NATS_TROUBLE = (nats_errors.Error, TimeoutError)
# What the database raises when it restarts, is unreachable or ended our session (break_stalled, the idle-in-
# transaction timeout of a stopped worker): SQLAlchemy's wrapper, and psycopg's own for the COPY of closed minutes,
# which goes round SQLAlchemy.
DB_TROUBLE = (DBAPIError, psycopg.OperationalError)


@dataclass
class Options:
    nats_urls: list[str]
    database_url: str
    name: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    lease_s: float = 5.0
    snapshot_s: float = 5.0
    replicas: int = 3
    partitions: int = protocol.PARTITIONS


@dataclass
class Owned:
    """A partition this worker holds: its lease epoch, engine, and how far it has applied and committed."""

    lease: leases.Lease
    engine: PartitionEngine
    applied: int = 0  # the last stream sequence applied to the engine
    committed: int = 0
    replay_until: int = 0  # records up to here were committed by an earlier owner: replayed without writing
    last_snapshot: float = 0.0
    active: bool = True
    task: asyncio.Task[None] | None = None
    last_commit: float = 0.0
    last_commit_s: float = 0.0
    last_arrival_s: float = 0.0
    pending: int = 0  # records the consumer still holds after the last fetch (lag)
    took_s: float = 0.0  # acquisition → caught up with the committed sequence (restore + replay)
    replayed: int = 0


class Worker:
    def __init__(self, options: Options, config: thresholds.EngineConfig = thresholds.DEFAULT_CONFIG) -> None:
        self.options = options
        self.config = config
        self.sessions: sessionmaker[Session] = make_sessionmaker(
            make_engine(
                options.database_url,
                pool_size=8,
                connect_args={
                    "application_name": options.name,
                    # a stalled worker (stopped, swapped out) must not keep its lease rows locked past its lease:
                    # the server ends such a transaction, so the partition can be taken and the commit fails
                    "options": f"-c idle_in_transaction_session_timeout={max(1000, int(options.lease_s * 1000))}",
                },
            )
        )
        self.owned: dict[int, Owned] = {}
        self.stopping = asyncio.Event()
        self.nc: Client | None = None
        self.js: JetStreamContext | None = None
        self.js_create: JetStreamContext | None = None
        self.takeovers = 0
        self.commits = 0
        # leases on their own thread: renewal must never queue behind partitions' processing
        self._creating = asyncio.Semaphore(8)
        self._days: set[int] = set()  # day partitions of the minute table known to exist
        self._lease_pool = ThreadPoolExecutor(1, thread_name_prefix="lease")
        self._work_pool = ThreadPoolExecutor(4, thread_name_prefix="partition")

    async def _leases(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._lease_pool, fn, *args)

    async def _work(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._work_pool, fn, *args)

    # --- leases -------------------------------------------------------------------------------------------------------

    def _lease_round(self, held: dict[int, int]) -> tuple[list[leases.Lease], set[int], list[int]]:
        """Heartbeat, renew, decide the fair share; returns (acquired, lost, to release). Short transactions each:
        a renewal waiting on a partition's commit (its row is locked until then) holds nothing else meanwhile."""
        o = self.options
        with self.sessions() as db_session, db_session.begin():
            alive = leases.heartbeat(db_session, o.name, o.lease_s)
        with self.sessions() as db_session, db_session.begin():
            renewed = leases.renew(db_session, o.name, held, o.lease_s)
        lost = set(held) - renewed
        share = math.ceil(o.partitions / alive)
        keep = sorted(renewed)
        extra = keep[share:] if len(keep) > share else []
        acquired: list[leases.Lease] = []
        room = share - (len(keep) - len(extra))
        if room > 0:
            with self.sessions() as db_session, db_session.begin():
                leases.break_stalled(db_session, o.lease_s)
            with self.sessions() as db_session, db_session.begin():
                acquired = leases.acquire(db_session, o.name, o.lease_s, room)
        return acquired, lost, extra

    async def lease_loop(self) -> None:
        while not self.stopping.is_set():  # the database away at start: wait for it, as a later round would
            try:
                await self._leases(self._heartbeat_only)
                break
            except DB_TROUBLE:
                logger.exception("心跳失败：数据库暂不可用，稍后重试")
                await self._sleep(self.options.lease_s / 3)
        await self._sleep(self.options.lease_s / 3)  # let the workers started together see each other first
        while not self.stopping.is_set():
            try:
                held = {p: owned.lease.epoch for p, owned in self.owned.items() if owned.active}  # on the loop
                acquired, lost, extra = await self._leases(self._lease_round, held)
            except DB_TROUBLE:  # the database is away: the leases renew (or are lost) on a later round
                logger.exception("租约轮次失败")
                await self._sleep(self.options.lease_s / 3)
                continue
            for partition in lost:
                logger.warning("分区 %s 的租约已失去", partition)
                await self._drop(partition)
            for partition in extra:
                owned = self.owned.get(partition)
                await self._drop(partition)
                if owned is not None:
                    with contextlib.suppress(*DB_TROUBLE):  # not released: the lease expires by itself
                        await self._leases(self._release, partition, owned.lease.epoch)
            if acquired:
                logger.info(
                    "取得分区 %s（共持有 %s 个）",
                    [lease.partition for lease in acquired],
                    len(self.owned) + len(acquired),
                )
            for lease in acquired:
                self.takeovers += 1
                owned = Owned(lease=lease, engine=PartitionEngine(lease.partition, self.config))
                self.owned[lease.partition] = owned
                owned.task = asyncio.create_task(self._run_partition(owned))
                owned.task.add_done_callback(self._partition_ended)
            await self._sleep(self.options.lease_s / 3)

    def _heartbeat_only(self) -> None:
        with self.sessions() as db_session, db_session.begin():
            leases.ensure_rows(db_session)
            leases.heartbeat(db_session, self.options.name, self.options.lease_s)

    def _release(self, partition: int, epoch: int) -> None:
        with self.sessions() as db_session, db_session.begin():
            leases.release(db_session, partition, epoch)

    async def _drop(self, partition: int) -> None:
        owned = self.owned.pop(partition, None)
        if owned is None:
            return
        owned.active = False
        if owned.task is not None and owned.task is not asyncio.current_task():
            await asyncio.wait({owned.task})  # its end, however it ended (``_partition_ended`` reports a failure)

    @staticmethod
    def _partition_ended(task: asyncio.Task[None]) -> None:
        """A partition's task that ended with an error it does not expect (a bug): said loudly; its lease is no
        longer renewed (``_run_partition`` gave the partition up), so it is taken again from its snapshot."""
        if not task.cancelled() and (error := task.exception()) is not None:
            logger.error("分区任务意外终止，租约到期后由快照重建", exc_info=error)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), seconds)

    # --- a partition --------------------------------------------------------------------------------------------------

    def _prepare(self, owned: Owned) -> int:
        """Restore the snapshot (or load fresh); returns the first sequence to read."""
        lease = owned.lease
        with self.sessions() as db_session:
            if lease.snapshot is not None:
                owned.engine.restore(lease.snapshot, db_session)
                start = lease.snapshot_seq
            else:
                owned.engine.load(db_session)
                start = lease.committed_seq
                owned.last_snapshot = 0.0  # the first commit writes one
        owned.applied = start
        owned.committed = lease.committed_seq
        owned.replay_until = lease.committed_seq
        return start + 1

    async def _subscribe(self, owned: Owned) -> JetStreamContext.PullSubscription:
        """A consumer from the next sequence to apply; a few created at a time (64 at once time out the API)."""
        async with self._creating:
            return await self._create_consumer(owned)

    async def _create_consumer(self, owned: Owned) -> JetStreamContext.PullSubscription:
        assert self.js is not None
        config = ConsumerConfig(
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=owned.applied + 1,
            ack_policy=AckPolicy.NONE,
            inactive_threshold=max(5.0, self.options.lease_s),
            max_waiting=4,
            # the position lives in PostgreSQL (committed sequence): the consumer needs no replicas or disk, which
            # keeps its creation cheap (an R3 consumer per partition overloads the cluster's API, more so with a
            # node down)
            num_replicas=1,
            mem_storage=True,
        )
        js = self.js_create or self.js
        return await js.pull_subscribe(
            protocol.subject(owned.lease.partition), durable=None, stream=protocol.STREAM, config=config
        )

    async def _run_partition(self, owned: Owned) -> None:
        partition = owned.lease.partition
        started = time.monotonic()
        sub: JetStreamContext.PullSubscription | None = None
        quiet_since = time.monotonic()
        try:
            await self._work(self._prepare, owned)
            if owned.applied >= owned.replay_until:
                owned.took_s = time.monotonic() - started
            while owned.active and not self.stopping.is_set():
                if sub is None:
                    try:
                        sub = await self._subscribe(owned)
                    except NATS_TROUBLE as err:  # the JetStream API busy or electing: ask again shortly
                        logger.info("分区 %s 建立消费者失败（%s），稍后重试", partition, type(err).__name__)
                        await self._sleep(0.1)
                        continue
                    quiet_since = time.monotonic()
                try:
                    messages = await sub.fetch(FETCH, timeout=0.5)
                except (NatsTimeout, TimeoutError):  # nothing new (nats-py raises either)
                    if owned.applied > owned.committed and owned.active:
                        await self._work(self._flush, owned)
                    if time.monotonic() - quiet_since > QUIET_CHECK_S:
                        quiet_since = time.monotonic()
                        if not await self._consumer_alive(sub):  # its server may have gone with a leader change
                            await self._unsubscribe(sub)
                            sub = None
                    continue
                except nats_errors.Error as err:  # the consumer's server went (a node down, a leader change)
                    logger.info("分区 %s 读取中断（%s），重建消费者", partition, type(err).__name__)
                    await self._unsubscribe(sub)
                    sub = None
                    await self._sleep(0.2)
                    continue
                quiet_since = time.monotonic()
                if not owned.active:
                    break
                await self._work(self._process, owned, messages)
                if not owned.took_s and owned.applied >= owned.replay_until:
                    owned.took_s = time.monotonic() - started
                    if owned.replayed:
                        logger.info(
                            "分区 %s 就绪：快照后重放 %s 条，用时 %.3f s", partition, owned.replayed, owned.took_s
                        )
        except leases.LeaseLost:
            logger.warning("分区 %s 已被其他进程接管，放弃本进程的状态", partition)
            owned.active = False
        except DB_TROUBLE:  # a commit or a read failed mid-way: memory may be ahead of the database
            logger.exception("分区 %s 处理失败：放弃状态并交还租约，由快照重建", partition)
            owned.active = False
            with contextlib.suppress(*DB_TROUBLE):  # the database may still be away: then the lease simply expires
                await self._leases(self._release, partition, owned.lease.epoch)
        finally:
            await self._unsubscribe(sub)
            if not self.stopping.is_set():  # (a stop releases every partition still listed, at once)
                owned.active = False  # also after an unexpected error: never renewed again, so the lease runs out
            if self.owned.get(partition) is owned and not owned.active:
                del self.owned[partition]

    async def _consumer_alive(self, sub: JetStreamContext.PullSubscription) -> bool:
        try:
            await asyncio.wait_for(sub.consumer_info(), 3.0)
        except NotFoundError:
            return False
        except NATS_TROUBLE:  # the API did not answer (election under way): ask again after the next quiet spell
            return True
        return True

    async def _unsubscribe(self, sub: JetStreamContext.PullSubscription | None) -> None:
        if sub is not None:
            with contextlib.suppress(*NATS_TROUBLE):  # its server or our connection gone: nothing left to end
                await asyncio.wait_for(sub.unsubscribe(), 1.0)

    def _process(self, owned: Owned, messages: list[Any]) -> None:
        """Apply records in order; commit what follows the replay point, fenced, in one transaction."""
        outputs: list[Output] = []
        pending = 0
        with self.sessions() as db_session:
            for message in messages:
                seq = int(message.metadata.sequence.stream)
                if seq <= owned.applied:
                    continue  # delivered again (consumer recreated): already applied
                output = owned.engine.apply(protocol.unpack(message.data), db_session)
                owned.applied = seq
                pending = int(message.metadata.num_pending)
                if seq <= owned.replay_until:
                    owned.replayed += 1
                    continue
                outputs.append(output)
            db_session.rollback()  # a control record's reload read in it: end that read before the commit
            owned.pending = pending
            if owned.applied <= owned.committed:
                return
            if not any(out.writes for out in outputs) and time.monotonic() - owned.last_commit < IDLE_COMMIT_S:
                return  # ticks that changed nothing: the sequence is committed with the next writes or when idle
            self._commit(db_session, owned, outputs, pending)

    def _flush(self, owned: Owned) -> None:
        """Commit the sequence of records that wrote nothing (the partition went quiet after them)."""
        if owned.applied > owned.committed:
            with self.sessions() as db_session:
                self._commit(db_session, owned, [], owned.pending)

    def _ensure_days(self, outputs: list[Output]) -> None:
        """Create missing day partitions of the minute table in their own short transaction: creating one locks the
        whole table, which inside a partition's commit would stall (or deadlock) every other partition's commit."""
        days = {int(day) for out in outputs if out.minutes is not None for day in out.minutes["minute"] // 1440}
        missing = sorted(days - self._days)
        if missing:
            with self.sessions() as db_session, db_session.begin():
                readings.ensure_partitions(db_session, missing)
            self._days.update(missing)

    def _commit(self, db_session: Session, owned: Owned, outputs: list[Output], pending: int) -> None:
        started = time.perf_counter()
        now = time.monotonic()
        snapshot = None
        if now - owned.last_snapshot >= self.options.snapshot_s:
            snapshot = owned.engine.snapshot()
        arrivals = [out.arrival_ms for out in outputs if out.arrival_ms]
        self._ensure_days(outputs)
        with db_session.begin():
            leases.fence(
                db_session,
                owned.lease.partition,
                owned.lease.epoch,
                owned.applied,
                pending=pending,
                commit_seconds=owned.last_commit_s,  # this commit's own duration is known only after it
                arrival_seconds=owned.last_arrival_s,
                snapshot=snapshot,
            )
            write_outputs(db_session, outputs)
        took = time.perf_counter() - started
        owned.last_commit_s = took
        owned.last_arrival_s = max((time.time() - at / 1000 for at in arrivals), default=0.0)
        owned.committed = owned.applied
        owned.last_commit = time.monotonic()
        if snapshot is not None:
            owned.last_snapshot = now
        self.commits += 1
        metrics.observe_commit(took, arrivals)

    # --- the process --------------------------------------------------------------------------------------------------

    async def run(self) -> None:
        self.nc = await connect(self.options.nats_urls, name=self.options.name)
        self.js = self.nc.jetstream(timeout=5.0)
        # with a node down some creations go unanswered (nats-server 2.9): ask briefly and again rather than wait 5 s
        self.js_create = self.nc.jetstream(timeout=1.5)
        await ensure_stream(self.js, self.options.replicas)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):  # workers run on Linux, where the loop takes signal handlers
            loop.add_signal_handler(sig, self.stopping.set)
        try:
            await self.lease_loop()
        finally:
            held = {p: owned.lease.epoch for p, owned in self.owned.items()}
            for partition in list(self.owned):
                await self._drop(partition)
            for partition, epoch in held.items():  # a stop hands over at once, not after the lease runs out
                with contextlib.suppress(*DB_TROUBLE):  # the database away: the leases expire instead
                    await self._leases(self._release, partition, epoch)
            with contextlib.suppress(*NATS_TROUBLE):  # a connection already closed or a drain that timed out
                await self.nc.drain()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="监测集群引擎工作进程")
    parser.add_argument("--nats", required=True, help="NATS 地址，多个用逗号分隔")
    parser.add_argument("--database", default=os.environ.get("YINGJI_DATABASE_URL"), help="PostgreSQL 地址")
    parser.add_argument("--name", default=None)
    parser.add_argument("--lease", type=float, default=5.0, help="租约秒数")
    parser.add_argument("--snapshot", type=float, default=5.0, help="快照间隔秒数")
    parser.add_argument("--replicas", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.database:
        parser.error("需要 --database 或 YINGJI_DATABASE_URL")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    options = Options(
        nats_urls=args.nats.split(","),
        database_url=args.database,
        lease_s=args.lease,
        snapshot_s=args.snapshot,
        replicas=args.replicas,
    )
    if args.name:
        options.name = args.name
    options.name = options.name[:63]  # also the sessions' application_name (PostgreSQL keeps 63 bytes)
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # `kill -USR1 pid` shows where every thread is
    thresholds.warm_up()
    asyncio.run(Worker(options).run())


if __name__ == "__main__":
    main()
