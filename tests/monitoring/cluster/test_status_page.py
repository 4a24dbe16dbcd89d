"""The console's 集群状态 page: the /api/ops/cluster read model for ops.read accounts only — troubled partitions first
with their state in words, the live workers; in the single-process mode a sentence that the cluster is not in use."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm import Session

from tests import factories
from tests.monitoring.conftest import Site
from yingji.auth.roles import Role
from yingji.monitoring.cluster import leases, protocol, status

pytestmark = pytest.mark.db
PAGE = "/console/ops/cluster"


def test_only_ops_accounts_see_the_page_and_its_link(site: Site, db_session: Session) -> None:
    refused = site.client.get(PAGE, headers=site.officer)
    assert refused.status_code == 403 and "集群" not in refused.text.split("<main", 1)[0]
    assert f'href="{PAGE}"' not in site.client.get("/console/alarms", headers=site.officer).text
    factories.user(db_session, "ops_admin", Role.ADMIN)
    admin = {"Authorization": f"Bearer {factories.token_for(db_session, 'ops_admin')}"}
    assert f'href="{PAGE}"' in site.client.get("/console/alarms", headers=admin).text
    factories.user(db_session, "prometheus", Role.OPERATOR)
    operator = {"Authorization": f"Bearer {factories.token_for(db_session, 'prometheus')}"}
    landing = site.client.get("/", headers=operator, follow_redirects=False)
    assert landing.status_code == 303 and landing.headers["location"] == PAGE  # an operator's console is this page
    single = site.client.get(PAGE, headers=operator)
    assert single.status_code == 200
    assert "未启用监测集群" in single.text and "监测引擎由一个进程负责（本进程）" in single.text


def test_troubled_partitions_come_first_in_words(site: Site, db_session: Session) -> None:
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("the cluster's leases live in PostgreSQL")
    leases.ensure_rows(db_session)
    leases.heartbeat(db_session, "worker-a", 30)
    ok, expired, behind = leases.acquire(db_session, "worker-a", 30, 3)
    leases.fence(db_session, ok.partition, ok.epoch, 41, pending=2)
    leases.release(db_session, expired.partition, expired.epoch)  # as a dead owner's lease looks
    leases.fence(db_session, behind.partition, behind.epoch, 900, pending=status.LAG_LARGE + 1)
    factories.user(db_session, "prometheus", Role.OPERATOR)
    operator = {"Authorization": f"Bearer {factories.token_for(db_session, 'prometheus')}"}
    api = site.client.get("/api/ops/cluster", headers=operator).json()
    assert api["problems"][-2:] == [expired.partition, behind.partition] and ok.partition not in api["problems"]
    page = site.client.get(PAGE, headers=operator)
    assert page.status_code == 200, page.text
    html = page.text
    no_owner = protocol.PARTITIONS - 3
    headline = html.split('id="cluster-headline">', 1)[1].split("<", 1)[0]
    counts = f"无负责进程 {no_owner} 个、租约已过期 1 个、积压过大 1 个"
    assert headline == f"{protocol.PARTITIONS - 1} 个分区异常（{counts}），1 个工作进程在线"
    order = [int(p) for p in re.findall(r'data-partition="(\d+)"', html)]
    assert len(order) == protocol.PARTITIONS and order[-1] == ok.partition  # the healthy one last
    assert order[no_owner : no_owner + 2] == [expired.partition, behind.partition]
    row = html[html.index(f'data-partition="{behind.partition}"') :].split("</tr>", 1)[0]
    assert "积压过大" in row and "worker-a" in row and f"{status.LAG_LARGE + 1:,}" in row and "900" in row
    assert "已过期" in html.split(f'data-partition="{expired.partition}"', 1)[1].split("</tr>", 1)[0]
    main = html.split("<main", 1)[1]
    for code in ("no_owner", "lease_expired", "lagging", "cluster", "single"):
        assert code not in main.replace("cluster-", "")  # words, not the read model's codes
    assert "worker-a" in html.split('id="cluster-workers"', 1)[1]
