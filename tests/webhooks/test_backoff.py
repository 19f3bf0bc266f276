"""The retry schedule: about 1 min after the first failure, doubling to 12 h apart, each
delay shortened by a random part (jitter), given up 3 days after the event was created."""

from __future__ import annotations

import random

import pytest

from tests.helpers import make_settings
from webview_host.services import backoff_of
from webview_host.webhooks import Backoff

HOUR = 3600.0


def test_the_default_delays_double_from_one_minute_up_to_twelve_hours() -> None:
    """Without jitter (random() == 0) the delays are the bare schedule."""
    schedule = Backoff()
    delays = [schedule.delay(attempt, random=lambda: 0.0) for attempt in range(1, 14)]
    assert delays[:4] == [60, 120, 240, 480]
    assert delays[9] == 60 * 2**9
    assert delays[10:] == [12 * HOUR] * 3, "capped at 12 h apart"
    assert schedule.delay(10_000, random=lambda: 0.0) == 12 * HOUR, "no overflow"


def test_jitter_shortens_each_delay_by_a_random_part_of_up_to_a_fifth() -> None:
    schedule = Backoff()
    assert schedule.delay(1, random=lambda: 1.0) == pytest.approx(48.0)
    assert schedule.delay(3, random=lambda: 0.5) == pytest.approx(240 * 0.9)
    many = {schedule.delay(1, random=random.Random(seed).random) for seed in range(50)}
    assert len(many) == 50, "events failed together are retried at different moments"
    assert all(48 <= d <= 60 for d in many)


def test_an_event_is_given_up_three_days_after_it_was_created() -> None:
    schedule = Backoff()
    created = 1_000_000.0
    almost = created + 3 * 24 * HOUR - 1
    retry_at = schedule.retry_at(created_at=created, attempt=20, now=almost, random=lambda: 0.0)
    assert retry_at == almost + 12 * HOUR, "still retried just before the 3 days are up"
    gone = created + 3 * 24 * HOUR
    assert schedule.retry_at(created_at=created, attempt=21, now=gone) is None


def test_the_schedule_comes_from_the_settings() -> None:
    assert backoff_of(make_settings()) == Backoff()
    custom = backoff_of(
        make_settings(
            webhook_backoff_initial="5",
            webhook_backoff_max="40",
            webhook_give_up_after="600",
        )
    )
    assert [custom.delay(n, random=lambda: 0.0) for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert custom.retry_at(created_at=0.0, attempt=1, now=600.0) is None
