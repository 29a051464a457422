"""Jobs waiting in a real queue, and running them as the consumer's worker threads do."""

from __future__ import annotations

import threading

from engage.queue import huey


def pending_jobs(queued_app) -> list[str]:
    with queued_app.app_context():
        return [task.name for task in huey.pending()]


def run_jobs_like_a_worker() -> list[str]:
    """Do what a consumer's worker thread does, until the queue is empty: take a job, run it."""
    ran, failed = [], []

    def work():
        try:
            while (task := huey.dequeue()) is not None:
                huey.execute(task)
                ran.append(task.name)
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            failed.append(exc)

    worker = threading.Thread(target=work, name="test-worker")
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive() and not failed, failed
    return ran
