"""Abuse limits across instances: with WVH_REDIS_URL two host processes share one count;
without it each process counts alone (the README says so)."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from tests.helpers import customer_payload
from tests.servers import stack

REDIS = "redis://127.0.0.1:6379/0"
WRONG = {"Authorization": "Bearer wrong-key-0000000000"}


def wrong_key(url: str) -> httpx.Response:
    return httpx.post(
        f"{url}/api/v1/launches", json={"customer": customer_payload()}, headers=WRONG
    )


@pytest.mark.redis
def test_two_instances_share_the_count_through_redis(tmp_path: Path) -> None:
    prefix = f"wvh-test-{uuid.uuid4().hex[:8]}"  # a fresh count, whatever ran before
    with stack(
        f"sqlite:///{tmp_path}/ledger.sqlite3",
        hosts=2,
        WVH_REDIS_URL=REDIS,
        WVH_REDIS_KEY_PREFIX=prefix,
        WVH_LIMIT_PARTNER_FAILURES="5/hour",
    ) as (_, first, second):
        statuses = [wrong_key(host.url).status_code for host in (first, second, first, second)]
        statuses.append(wrong_key(first.url).status_code)
        assert statuses == [401] * 5
        for host in (first, second):
            refused = wrong_key(host.url)
            assert refused.status_code == 429
            assert int(refused.headers["retry-after"]) >= 1


def test_without_redis_each_instance_counts_alone(tmp_path: Path) -> None:
    with stack(
        f"sqlite:///{tmp_path}/ledger.sqlite3", hosts=2, WVH_LIMIT_PARTNER_FAILURES="2/hour"
    ) as (_, first, second):
        assert [wrong_key(first.url).status_code for _ in range(3)] == [401, 401, 429]
        assert wrong_key(second.url).status_code == 401
