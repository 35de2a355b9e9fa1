"""A payment run computed in chunks by several Celery workers at once (settings.PAYMENT_RUN_CHUNKS > 1).

1. The run's job locks the draft, works out the computation's parameters, and assigns every person of the county to
   a chunk by township (townships grouped so that the chunks hold about as many enrollments each); it commits the
   chunk rows and the assignment, then sends one `subsidies.payment_run_chunk` task per other chunk.
2. Every participant — the job itself and any worker that takes a task — claims a pending chunk (row lock, SKIP
   LOCKED), judges its persons with the statements of a single run (runs.judge_and_write) into the staging tables,
   and marks it done in the same transaction. With one worker the job computes every chunk itself.
3. When every chunk is done the job writes the run in one transaction: the draft's lines and stops are replaced by
   the staged ones, the 重发 lines added, the totals stored, the staging emptied. Until then the draft keeps its
   previous lines; a failed chunk fails the computation (nothing written) and the job can be retried. A chunk
   whose worker died is taken over by the job once it has run longer than JOB_STALE_SECONDS.

The lines are exactly those of a single computation (tests/subsidies/test_run_chunks.py).
"""

import os
import socket
import time
from datetime import date, timedelta

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fedportal.jobs.services import JobError

from ..models import ChunkStatus, PaymentRun, PaymentRunChunk
from .runs import (
    _LINE_COLUMNS,
    _STOP_COLUMNS,
    compute_params,
    insert_resend_lines,
    judge_and_write,
    lock_draft,
    payment_run_compute,
    prepare_session,
    store_totals,
)

CHUNK_TASK = "subsidies.payment_run_chunk"
_DATE_PARAMS = ("period", "as_of", "backpay_from", "recovery_from", "recheck_from", "period_end")


def payment_run_compute_job(*, run_id: int, progress=None) -> dict:
    """The run's job: in one statement chain, or in chunks when PAYMENT_RUN_CHUNKS > 1."""
    chunks = max(1, int(getattr(settings, "PAYMENT_RUN_CHUNKS", 1)))
    if chunks == 1:
        return payment_run_compute(run_id=run_id, progress=progress)
    return payment_run_compute_in_chunks(run_id=run_id, chunks=chunks, progress=progress)


def payment_run_compute_in_chunks(*, run_id: int, chunks: int, progress=None) -> dict:
    count = _plan(run_id, chunks)
    if progress:
        progress.start(count + 1, _("分块计算"))
    _send_tasks(run_id, count - 1)
    try:
        done = 0
        while True:
            if compute_one_chunk(run_id=run_id):
                continue
            states = dict(
                PaymentRunChunk.objects.filter(run_id=run_id)
                .values("status")
                .annotate(n=Count("pk"))
                .values_list("status", "n")
            )
            if states.get(ChunkStatus.FAILED):
                failed = PaymentRunChunk.objects.filter(run_id=run_id, status=ChunkStatus.FAILED).first()
                raise JobError(_("分块 %(n)s 计算失败：%(error)s") % {"n": failed.number + 1, "error": failed.error})
            finished = states.get(ChunkStatus.DONE, 0)
            if progress and finished > done:
                progress.step(finished - done, _("分块计算 %(done)s/%(all)s") % {"done": finished, "all": count})
                done = finished
            if finished == count:
                break
            time.sleep(0.05)
        result = _write_run(run_id)
        if progress:
            progress.step(1, _("汇总"))
        return result
    finally:
        _clear_staging(run_id)


def _plan(run_id: int, chunks: int) -> int:
    """Lock the draft, clear an earlier computation's staging, group the townships and assign the persons."""
    with transaction.atomic():
        run = lock_draft(run_id)
        params = compute_params(run)
        # The chunk rows first: deleting one waits for a worker still computing it (it holds the row), so the
        # staging it wrote is committed, and cleared, before this computation starts.
        PaymentRunChunk.objects.filter(run=run).delete()
        _clear_staging(run.pk)
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT p.township_id, count(*) FROM cases_person p
                JOIN subsidies_enrollment e ON e.person_id = p.id AND e.program_id = %s
                GROUP BY p.township_id""",
                [run.program_id],
            )
            weights = dict(cursor.fetchall())
            cursor.execute("SELECT id FROM cases_township ORDER BY id")
            townships = [row[0] for row in cursor.fetchall()]
        groups = _balanced(townships, weights, chunks)
        stored = {key: (value.isoformat() if isinstance(value, date) else value) for key, value in params.items()}
        PaymentRunChunk.objects.bulk_create(
            PaymentRunChunk(
                run=run, number=n, township_ids=ids, persons=sum(weights.get(t, 0) for t in ids), params=stored
            )
            for n, ids in enumerate(groups)
        )
        with connection.cursor() as cursor:
            # Every person of the county, by the township they are in now: a person who moves while the chunks
            # are computed is judged once, in the chunk of this assignment.
            cursor.execute(
                """INSERT INTO subsidies_run_chunk_person (run_id, chunk, person_id)
                SELECT %s, c.number, p.id FROM cases_person p
                JOIN subsidies_paymentrunchunk c ON c.run_id = %s AND p.township_id = ANY(c.township_ids)""",
                [run.pk, run.pk],
            )
    return len(groups)


def _balanced(townships: list[int], weights: dict[int, int], chunks: int) -> list[list[int]]:
    """Townships into at most `chunks` groups of about equal enrollments (largest first into the lightest group);
    never an empty group."""
    groups: list[tuple[int, list[int]]] = [(0, []) for _ in range(min(chunks, max(1, len(townships))))]
    for township in sorted(townships, key=lambda t: (-weights.get(t, 0), t)):
        index = min(range(len(groups)), key=lambda i: (groups[i][0], i))
        total, members = groups[index]
        groups[index] = (total + weights.get(township, 0), [*members, township])
    return [sorted(members) for _total, members in groups if members]


def _send_tasks(run_id: int, count: int) -> None:
    """One task per chunk the job will not take itself. A broker that cannot take them only means the job
    computes every chunk alone."""
    if count <= 0:
        return
    try:
        for _n in range(count):
            current_app.send_task(CHUNK_TASK, args=[run_id], retry=False)
    except Exception:  # noqa: BLE001 - any broker error: the job still computes every chunk itself
        return


def compute_one_chunk(*, run_id: int) -> bool:
    """Claim one pending chunk of the run (or one whose worker has not finished it in JOB_STALE_SECONDS) and
    compute it into the staging tables. False when there was none to claim."""
    stale = timezone.now() - timedelta(seconds=int(getattr(settings, "JOB_STALE_SECONDS", 90)))
    worker = f"{socket.gethostname()}:{os.getpid()}"
    with transaction.atomic():
        chunk = (
            PaymentRunChunk.objects.select_for_update(skip_locked=True)
            .filter(run_id=run_id)
            .filter(Q(status=ChunkStatus.PENDING) | Q(status=ChunkStatus.RUNNING, started_at__lt=stale))
            .order_by("number")
            .first()
        )
        if chunk is None:
            return False
        chunk.status, chunk.worker, chunk.started_at = ChunkStatus.RUNNING, worker, timezone.now()
        chunk.save(update_fields=["status", "worker", "started_at"])
    try:
        with transaction.atomic():
            # The row lock keeps a second worker off this chunk while it is computed.
            PaymentRunChunk.objects.select_for_update().filter(pk=chunk.pk, status=ChunkStatus.RUNNING).get()
            run = PaymentRun.objects.select_related("program").get(pk=run_id)
            params = {
                key: (date.fromisoformat(value) if key in _DATE_PARAMS and value else value)
                for key, value in chunk.params.items()
            }
            with connection.cursor() as cursor:
                prepare_session(cursor)
                cursor.execute(
                    "DELETE FROM subsidies_run_staged_line WHERE run_id = %s AND chunk = %s", [run_id, chunk.number]
                )
                cursor.execute(
                    "DELETE FROM subsidies_run_staged_stop WHERE run_id = %s AND chunk = %s", [run_id, chunk.number]
                )
                if os.environ.get("FEDPORTAL_PAYMENT_RUN_FAIL_CHUNK") == str(chunk.number):
                    raise RuntimeError("chunk failure requested by FEDPORTAL_PAYMENT_RUN_FAIL_CHUNK")  # test hook
                judge_and_write(cursor, run, params, chunk=chunk.number)
            PaymentRunChunk.objects.filter(pk=chunk.pk).update(status=ChunkStatus.DONE, finished_at=timezone.now())
    except Exception as error:
        PaymentRunChunk.objects.filter(pk=chunk.pk).update(
            status=ChunkStatus.FAILED, finished_at=timezone.now(), error=str(error)[:2000]
        )
        raise JobError(_("分块 %(n)s 计算失败：%(error)s") % {"n": chunk.number + 1, "error": error}) from error
    return True


def _write_run(run_id: int) -> dict:
    """Every chunk done: replace the draft's lines and stops with the staged ones, in one transaction."""
    with transaction.atomic():
        run = lock_draft(run_id)
        with connection.cursor() as cursor:
            prepare_session(cursor)
            cursor.execute("DELETE FROM subsidies_paymentline WHERE run_id = %s", [run.pk])
            cursor.execute("DELETE FROM subsidies_paymentstop WHERE run_id = %s", [run.pk])
            cursor.execute(
                f"INSERT INTO subsidies_paymentline ({_LINE_COLUMNS}) "
                f"SELECT {_LINE_COLUMNS} FROM subsidies_run_staged_line WHERE run_id = %s",
                [run.pk],
            )
            insert_resend_lines(cursor, run)
            cursor.execute(
                f"INSERT INTO subsidies_paymentstop ({_STOP_COLUMNS}) "
                f"SELECT {_STOP_COLUMNS} FROM subsidies_run_staged_stop WHERE run_id = %s",
                [run.pk],
            )
        store_totals(run)
    return {
        "run": run.pk,
        "lines": run.lines_count,
        "total": str(run.total),
        "stops": run.stops_count,
        "chunks": PaymentRunChunk.objects.filter(run=run).count(),
    }


def _clear_staging(run_id: int) -> None:
    with connection.cursor() as cursor:
        for table in ("subsidies_run_chunk_person", "subsidies_run_staged_line", "subsidies_run_staged_stop"):
            cursor.execute(f"DELETE FROM {table} WHERE run_id = %s", [run_id])
