"""Only one scheduler holds the leader lock on a shared PostgreSQL; SQLite always leads."""

from __future__ import annotations

from pathlib import Path

from storage.leader import LeaderLock


def test_sqlite_process_is_always_leader(tmp_path: Path) -> None:
    lock = LeaderLock(f"sqlite:///{tmp_path / 'p.db'}")
    assert lock.acquire() and lock.held


def test_one_leader_among_replicas(postgres_url: str) -> None:
    first, second = LeaderLock(postgres_url, key=4242), LeaderLock(postgres_url, key=4242)
    try:
        assert first.acquire()
        assert not second.acquire()
        assert first.acquire()  # holding it stays true
        first.release()
        assert second.acquire()
    finally:
        first.release()
        second.release()
