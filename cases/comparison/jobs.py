"""Background jobs of the comparison flow: compare after upload, apply after a second person confirms."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fedportal.jobs.registry import job_handler
from fedportal.jobs.services import JobError

from .models import Comparison, ComparisonStatus
from .services import APPLY_JOB, COMPARE_JOB, ComparisonNotValid, comparison_apply, comparison_compare


def _reporter(progress):
    def report(done: int, total: int, message: str) -> None:
        if total != progress.total:
            progress.start(total, message)
        progress.set(done, message)

    return report


def _comparison(job) -> Comparison:
    comparison = Comparison.objects.select_related("uploaded_by").filter(pk=job.params.get("comparison_id")).first()
    if comparison is None:
        raise JobError(_("比对记录不存在。"))
    return comparison


def _compare_abandoned(job) -> None:
    """The compare never finished (worker lost, cancelled, queue down): the list says so instead of "comparing"."""
    Comparison.objects.filter(pk=job.params.get("comparison_id"), status=ComparisonStatus.COMPARING).update(
        status=ComparisonStatus.FAILED
    )


def _apply_abandoned(job) -> None:
    """The apply never finished, so nothing was applied (one transaction): a second person can apply it again."""
    Comparison.objects.filter(pk=job.params.get("comparison_id"), status=ComparisonStatus.APPLYING).update(
        status=ComparisonStatus.READY
    )


@job_handler(COMPARE_JOB, label=gettext_lazy("数据比对"), on_abandon=_compare_abandoned)
def compare_list(job, progress):
    comparison = _comparison(job)
    report = comparison_compare(comparison=comparison, progress=_reporter(progress))
    return {"comparison_id": comparison.pk, **report.counts()}


@job_handler(APPLY_JOB, label=gettext_lazy("应用比对结果"), on_abandon=_apply_abandoned)
def apply_list(job, progress):
    comparison = _comparison(job)
    # Re-read the user: the capability is checked when the job runs, not only when it was queued.
    user = get_user_model().objects.filter(pk=job.created_by_id).first()
    try:
        counts = comparison_apply(comparison=comparison, acting_user=user, progress=_reporter(progress))
    except ComparisonNotValid as exc:
        raise JobError(_("应用前重新比对发现 %(n)s 处错误，未应用任何差异。") % {"n": len(exc.report.issues)}) from None
    except PermissionDenied as exc:
        raise JobError(str(exc) or _("创建人已无应用比对结果的权限。")) from None
    return {"comparison_id": comparison.pk, **counts}
