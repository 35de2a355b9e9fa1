"""Background jobs of the subsidies app."""

from django.utils.translation import gettext_lazy as _

from fedportal.jobs.registry import job_handler

from .exports import SHEET_JOB, payment_sheet_job_run
from .services.bank_returns import RETURN_JOB, bank_return_job_run
from .services.run_chunks import payment_run_compute_job
from .services.runs import APPROVE_JOB, JOB_KIND, payment_run_approve_job_run


@job_handler(JOB_KIND, label=_("发放计算"))
def payment_run_job(job, progress):
    return payment_run_compute_job(run_id=job.params["run_id"], progress=progress)


@job_handler(SHEET_JOB, label=_("发放表导出"))
def payment_sheet_job(job, progress):
    return payment_sheet_job_run(job=job, progress=progress)


@job_handler(RETURN_JOB, label=_("银行回盘登记"))
def bank_return_job(job, progress):
    return bank_return_job_run(job=job, progress=progress)


@job_handler(APPROVE_JOB, label=_("发放批次审批"))
def payment_run_approve_job(job, progress):
    return payment_run_approve_job_run(job=job, progress=progress)
