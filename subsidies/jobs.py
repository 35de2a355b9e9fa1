"""Background jobs of the subsidies app."""

from django.utils.translation import gettext_lazy as _

from fedportal.jobs.registry import job_handler

from .services.runs import JOB_KIND, payment_run_compute


@job_handler(JOB_KIND, label=_("发放计算"))
def payment_run_job(job, progress):
    return payment_run_compute(run_id=job.params["run_id"], progress=progress)
