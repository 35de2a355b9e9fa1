"""A payment run split by township into chunks (PAYMENT_RUN_CHUNKS): exactly the lines of a single computation,
all or nothing, retryable; with real Celery workers sharing the chunks."""

import time
from datetime import date

import pytest
from django.db import connection

from cases.models import Person, Township
from fedportal.jobs.models import Job, JobStatus
from fedportal.jobs.services import job_execute, job_retry
from subsidies.models import ChunkStatus, PaymentLine, PaymentRunChunk, PaymentStop
from subsidies.services import payment_run_approve, payment_run_recompute
from subsidies.services.run_chunks import _balanced
from tests.factories import TownshipFactory, VillageFactory

PERIOD = date(2026, 3, 1)


def _world(make_holder, enroll, compute):
    """Three townships; in each, qualifying persons, back pay, stops, and a death after January was paid."""
    villages = [
        VillageFactory(township=TownshipFactory(code=f"36012190{t}", name=f"分块{t}镇"), code=f"36012190{t}001")
        for t in range(3)
    ]
    dying = []
    for i in range(24):
        person = make_holder(grade=1 + i % 4, village_=villages[i % 3])
        enroll(person, "nursing", start=[date(2025, 10, 1), date(2025, 12, 1), date(2026, 1, 1)][i % 3])
        if i % 8 == 5:
            dying.append(person.pk)
    compute("nursing", date(2025, 12, 1), approve=True)
    compute("nursing", date(2026, 1, 1), approve=True)
    # Deaths recorded after January was paid: January is recovered.
    Person.objects.filter(pk__in=dying).update(death_date=date(2025, 12, 20))


def _snapshot(run):
    lines = sorted(
        PaymentLine.objects.filter(run=run).values_list(
            "person_id", "township_id", "month", "kind", "tier", "amount", "reasons"
        )
    )
    stops = sorted(PaymentStop.objects.filter(run=run).values_list("person_id", "township_id", "reasons"))
    return lines, stops


def _staged_rows(run_id):
    with connection.cursor() as cursor:
        counts = []
        for table in ("subsidies_run_chunk_person", "subsidies_run_staged_line", "subsidies_run_staged_stop"):
            cursor.execute(f"SELECT count(*) FROM {table} WHERE run_id = %s", [run_id])
            counts.append(cursor.fetchone()[0])
        return counts


@pytest.mark.django_db
def test_a_chunked_run_has_exactly_the_lines_of_a_single_computation(
    make_holder, enroll, compute, finance, finance2, programs, settings
):
    _world(make_holder, enroll, compute)
    single = compute("nursing", PERIOD)
    expected = _snapshot(single)
    assert {line[3] for line in expected[0]} == {"current", "backpay", "recovery"} and expected[1]

    settings.PAYMENT_RUN_CHUNKS = 3
    run = payment_run_recompute(run=single, acting_user=finance)
    job = job_execute(run.job_id)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["chunks"] == 3
    assert _snapshot(run) == expected
    chunks = list(PaymentRunChunk.objects.filter(run=run))
    assert [c.status for c in chunks] == [ChunkStatus.DONE] * 3
    assert sorted(t for c in chunks for t in c.township_ids) == sorted(Township.objects.values_list("pk", flat=True))
    assert _staged_rows(run.pk) == [0, 0, 0]
    run.refresh_from_db()
    assert run.lines_count == sum(1 for line in expected[0] if line[3] != "recovery")
    payment_run_approve(run=run, acting_user=finance2)
    run.refresh_from_db()
    assert run.status == "approved"


@pytest.mark.django_db
def test_a_failed_chunk_fails_the_computation_and_leaves_the_draft_as_it_was(
    make_holder, enroll, compute, finance, settings, monkeypatch
):
    _world(make_holder, enroll, compute)
    run = compute("nursing", PERIOD)
    before = _snapshot(run)

    settings.PAYMENT_RUN_CHUNKS = 2
    monkeypatch.setenv("FEDPORTAL_PAYMENT_RUN_FAIL_CHUNK", "1")
    run = payment_run_recompute(run=run, acting_user=finance)
    job = job_execute(run.job_id)
    assert job.status == JobStatus.FAILED
    assert "分块 2" in job.error
    assert _snapshot(run) == before
    assert _staged_rows(run.pk) == [0, 0, 0]
    assert PaymentRunChunk.objects.filter(run=run, status=ChunkStatus.FAILED).count() == 1

    monkeypatch.delenv("FEDPORTAL_PAYMENT_RUN_FAIL_CHUNK")
    retried = job_execute(job_retry(job=job, acting_user=finance).pk)
    assert retried.status == JobStatus.SUCCEEDED, retried.error
    assert _snapshot(run) == before
    assert list(PaymentRunChunk.objects.filter(run=run).values_list("status", flat=True)) == [ChunkStatus.DONE] * 2


def test_townships_are_grouped_by_enrollments_never_into_an_empty_chunk():
    assert _balanced([1, 2, 3, 4], {1: 100, 2: 60, 3: 50, 4: 10}, 2) == [[1, 4], [2, 3]]
    assert _balanced([1, 2], {1: 5}, 4) == [[1], [2]]
    assert _balanced([], {}, 3) == []


@pytest.mark.worker
def test_two_workers_share_the_chunks_of_a_run(
    transactional_db, celery_worker_factory, programs, make_holder, enroll, compute, finance
):
    _world(make_holder, enroll, compute)
    reference = compute("nursing", PERIOD)
    expected = _snapshot(reference)

    workers = [celery_worker_factory(extra_env={"PAYMENT_RUN_CHUNKS": "4"}) for _ in range(2)]
    try:
        run = payment_run_recompute(run=reference, acting_user=finance)
        deadline = time.monotonic() + 90
        while not Job.objects.get(pk=run.job_id).is_finished and time.monotonic() < deadline:
            time.sleep(0.1)
        job = Job.objects.get(pk=run.job_id)
        assert job.status == JobStatus.SUCCEEDED, job.error
        assert job.result["chunks"] == 4  # the fixture township and three more, one chunk each
        assert _snapshot(run) == expected
        assert _staged_rows(run.pk) == [0, 0, 0]
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(10)
