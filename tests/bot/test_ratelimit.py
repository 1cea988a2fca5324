from datetime import UTC, datetime, timedelta

import pytest

from bot.commands.ratelimit import RateLimiter

T0 = datetime(2026, 12, 3, tzinfo=UTC)


def test_a_burst_passes_then_the_user_waits_for_the_refill():
    limiter = RateLimiter(burst=3, per_minute=6)  # a token every 10 s
    assert [limiter.take("U1", T0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("U1", T0) == pytest.approx(10.0)
    assert limiter.take("U1", T0 + timedelta(seconds=4)) == pytest.approx(6.0)
    assert limiter.take("U1", T0 + timedelta(seconds=10)) == 0.0


def test_users_have_their_own_buckets():
    limiter = RateLimiter(burst=1, per_minute=1)
    assert limiter.take("U1", T0) == 0.0
    assert limiter.take("U1", T0) > 0
    assert limiter.take("U2", T0) == 0.0


def test_the_bucket_never_holds_more_than_the_burst():
    limiter = RateLimiter(burst=2, per_minute=60)
    limiter.take("U1", T0)
    later = T0 + timedelta(hours=5)
    assert [limiter.take("U1", later) > 0 for _ in range(3)] == [False, False, True]


def test_a_clock_going_backwards_gives_no_tokens():
    limiter = RateLimiter(burst=1, per_minute=60)
    limiter.take("U1", T0)
    assert limiter.take("U1", T0 - timedelta(minutes=5)) > 0


def test_idle_users_are_forgotten_when_the_table_is_full():
    limiter = RateLimiter(burst=1, per_minute=60, max_users=2)
    limiter.take("U1", T0)
    limiter.take("U2", T0)
    limiter.take("U3", T0 + timedelta(minutes=1))
    assert len(limiter._buckets) == 1


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        RateLimiter(burst=0)
