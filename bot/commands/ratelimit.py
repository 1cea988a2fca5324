"""A per-user token bucket: a burst of commands is fine, a flood is told to wait.

Time is a parameter (`now`), so tests drive it without sleeping.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: datetime


class RateLimiter:
    """`burst` commands at once per user, refilled at `per_minute` a minute."""

    def __init__(
        self, *, burst: int = 10, per_minute: float = 20.0, max_users: int = 10_000
    ) -> None:
        if burst < 1 or per_minute <= 0:
            raise ValueError("burst must be at least 1 and per_minute positive")
        self.burst = burst
        self.per_second = per_minute / 60.0
        self.max_users = max_users
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, user: str, now: datetime) -> float:
        """Spend a token: 0.0 when allowed, else the seconds until the next token."""
        with self._lock:
            bucket = self._buckets.get(user)
            if bucket is None:
                if len(self._buckets) >= self.max_users:
                    self._forget_full(now)
                bucket = self._buckets[user] = _Bucket(tokens=float(self.burst), at=now)
            self._refill(bucket, now)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.per_second

    def _refill(self, bucket: _Bucket, now: datetime) -> None:
        elapsed = max(0.0, (now - bucket.at).total_seconds())
        bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.per_second)
        bucket.at = max(bucket.at, now)

    def _forget_full(self, now: datetime) -> None:
        """Drop users whose bucket has refilled: they look exactly like new users."""
        for user, bucket in list(self._buckets.items()):
            self._refill(bucket, now)
            if bucket.tokens >= self.burst:
                del self._buckets[user]
