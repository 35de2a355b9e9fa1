"""A real Celery worker killed in the middle of a run: no partial lines, and a restart gives exactly the lines of an
uninterrupted run."""

import os
import signal
import time
from datetime import date

import pytest

from fedportal.jobs.models import Job, JobStatus
from fedportal.jobs.progress import live_progress
from subsidies.models import PaymentLine, PaymentRun
from subsidies.services import payment_run_compute, payment_run_create, payment_run_discard, payment_run_recompute

pytestmark = pytest.mark.worker


def _snapshot(run):
    return sorted(
        PaymentLine.objects.filter(run=run).values_list("person_id", "month", "kind", "tier", "amount", "reasons")
    )


def _wait(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_kill_mid_run_then_restart(
    transactional_db, celery_worker_factory, programs, make_holder, enroll, finance, monkeypatch
):
    for i in range(30):
        person = make_holder(grade=1 + i % 4, death_date=date(2025, 12, 10) if i % 7 == 0 else None)
        enroll(person, "nursing", start=date(2025, 9 + i % 4, 1))
    nursing = programs["nursing"]
    period = date(2026, 1, 1)

    # The reference: the same run computed without interruption (in this process), then set aside.
    reference = PaymentRun.objects.create(program=nursing, period=period, as_of=period, created_by=finance)
    payment_run_compute(run_id=reference.pk)
    expected = _snapshot(reference)
    assert len(expected) > 30
    payment_run_discard(run=reference, acting_user=finance)

    # A slow worker (a pause between the steps of its one transaction), killed once lines have been inserted.
    monkeypatch.setenv("FEDPORTAL_PAYMENT_RUN_STEP_DELAY_MS", "2000")
    worker = celery_worker_factory()
    run = payment_run_create(program=nursing, period=period, acting_user=finance)
    job = Job.objects.get(pk=run.job_id)
    _wait(lambda: live_progress(job).get("progress", 0) >= 3)  # lines inserted, stops next: mid-transaction
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # the worker died; it never finished
    assert PaymentLine.objects.filter(run=run).count() == 0
    run.refresh_from_db()
    assert run.computed_at is None and run.lines_count == 0

    # Restart: a new worker, the run computed again.
    monkeypatch.delenv("FEDPORTAL_PAYMENT_RUN_STEP_DELAY_MS")
    worker2 = celery_worker_factory()
    try:
        run = payment_run_recompute(run=run, acting_user=finance)
        _wait(lambda: Job.objects.get(pk=run.job_id).is_finished)
        assert Job.objects.get(pk=run.job_id).status == JobStatus.SUCCEEDED
        assert _snapshot(run) == expected
        run.refresh_from_db()
        assert run.lines_count == sum(1 for line in expected if line[2] != "recovery")
    finally:
        worker2.terminate()
        worker2.wait(10)
