from datetime import UTC, datetime

from storage.records import SyncState


def test_sync_states_name_their_lab_and_job(repo):
    at = datetime(2026, 12, 1, tzinfo=UTC)
    repo.record_sync_success("lab2", "perf/b", 7, (8,), at)
    repo.record_sync_error("lab1", "perf/a", "HTTP 503", at)
    assert repo.sync_states() == [
        SyncState(lab="lab1", job="perf/a", last_build=0, last_error="HTTP 503", last_error_at=at),
        SyncState(lab="lab2", job="perf/b", last_build=7, running=(8,), last_success=at),
    ]
