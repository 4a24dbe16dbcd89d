"""集群状态 page (运维): the monitoring cluster's read model as /api/ops/cluster answers it — a headline, the troubled
partitions first (no owner, lease expired, lag large), then every partition and the workers; in the single-process
mode it says so in words and who owns the engine. ops.read only (operators and administrators)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from yingji.core.clock import to_local
from yingji.deps import CurrentClock, DbSession
from yingji.monitoring.cluster import status
from yingji.monitoring.cluster.status import ClusterStatusRead, PartitionState
from yingji.monitoring.engine import MonitoringEngine
from yingji.web.common import Viewer, guarded

router = APIRouter(include_in_schema=False)


def _when(value: str | None) -> str:
    return "—" if value is None else to_local(datetime.fromisoformat(value)).strftime("%m-%d %H:%M:%S")


def _lease(left: float | None) -> str:
    if left is None:
        return "从未持有"
    return f"剩 {left:.1f} 秒" if left > 0 else f"已过期 {-left:.0f} 秒"


def headline(read: ClusterStatusRead) -> tuple[bool, str]:
    """(healthy, the sentence at the top of the page)."""
    alive = sum(1 for w in read.workers if w.alive)
    if not read.problems:
        return True, (
            f"集群运行正常：{len(read.partitions)} 个分区均由在线工作进程负责，"
            f"{alive} 个工作进程在线，积压共 {read.lag_total:,} 条"
        )
    counts = Counter(p.state for p in read.partitions if p.partition in set(read.problems))
    parts = "、".join(f"{state.label} {counts[state]} 个" for state in PartitionState if counts[state])
    tail = "，没有在线的工作进程" if not alive else f"，{alive} 个工作进程在线"
    return False, f"{len(read.problems)} 个分区异常（{parts}）{tail}"


def _engine_holder(engine: MonitoringEngine) -> str:
    if engine.owns():
        return "本进程"
    return "另一进程：" + (engine.ownership.holder() if engine.ownership is not None else "（未知）")


@router.get("/console/ops/cluster", response_class=HTMLResponse)
def cluster_page(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    def build() -> dict[str, Any]:
        app = request.app
        read = status.read(
            db_session, actor, edge=app.state.edge is not None, alive_s=app.state.settings.cluster_lease_s
        )
        first = {p: n for n, p in enumerate(read.problems)}
        rows = sorted(read.partitions, key=lambda p: (first.get(p.partition, len(first)), p.partition))
        healthy, sentence = headline(read)
        return {
            "cluster": read,
            "rows": rows,
            "healthy": healthy,
            "headline": sentence,
            "alive": [w for w in read.workers if w.alive],
            "stopped": [w for w in read.workers if not w.alive],
            "engine_holder": _engine_holder(app.state.monitor),
            "when": _when,
            "lease": _lease,
            "ok": PartitionState.OK,
        }

    return guarded(request, actor, clock, "ops_cluster.html", build)
