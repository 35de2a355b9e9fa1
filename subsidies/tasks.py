"""Celery tasks of the subsidies app besides the jobs (fedportal.run_job runs those)."""

from celery import shared_task

from .services.run_chunks import CHUNK_TASK, compute_one_chunk


@shared_task(name=CHUNK_TASK, acks_late=True)
def payment_run_chunk(run_id: int) -> dict:
    """Take part in a run computed in chunks: compute pending chunks until none is left (the run's job writes the
    run when every chunk is done). A failed chunk is recorded on its row, which fails the run's job."""
    computed = 0
    while compute_one_chunk(run_id=run_id):
        computed += 1
    return {"run": run_id, "chunks": computed}
