from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fedportal.audit.models import SensitiveField
from fedportal.audit.services import sensitive_access_record

from .progress import live_progress
from .registry import job_holds_full_numbers
from .selectors import job_get_for_user, job_list_for_user
from .services import JobEnqueueError, JobError, job_cancel, job_retry


def job_list(request):
    page = Paginator(job_list_for_user(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {"page": page, "jobs": page.object_list})


def job_detail(request, job_id: int):
    job = job_get_for_user(user=request.user, job_id=job_id)
    return render(request, "jobs/job_detail.html", {"job": job, "live": live_progress(job)})


def job_progress(request, job_id: int):
    """The progress component, polled by htmx every second until the job ends."""
    job = job_get_for_user(user=request.user, job_id=job_id)
    response = render(request, "jobs/_progress.html", {"job": job, "live": live_progress(job)})
    if job.is_finished and request.htmx and request.GET.get("reload_on_finish"):
        response["HX-Refresh"] = "true"
    return response


def job_download(request, job_id: int):
    job = job_get_for_user(user=request.user, job_id=job_id)
    if not job.result_file:
        raise Http404
    if job_holds_full_numbers(job):
        # A file with full ID, phone or account numbers: every download is a view of them, whoever downloads.
        sensitive_access_record(
            user=request.user,
            field=SensitiveField.EXPORT,
            detail=_("下载任务 #%(job)s 的完整号码导出文件") % {"job": job.pk},
            request=request,
        )
    return FileResponse(
        job.result_file.open("rb"), as_attachment=True, filename=job.result_file.name.rsplit("/", 1)[-1]
    )


@require_POST
def job_retry_view(request, job_id: int):
    job = job_get_for_user(user=request.user, job_id=job_id)
    try:
        job_retry(job=job, acting_user=request.user)
    except (JobError, JobEnqueueError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("任务已重新排队。"))
    return redirect("jobs:job_detail", job_id=job.pk)


@require_POST
def job_cancel_view(request, job_id: int):
    job = job_get_for_user(user=request.user, job_id=job_id)
    try:
        job = job_cancel(job=job, acting_user=request.user)
    except JobError as exc:
        messages.error(request, str(exc))
    else:
        if job.status == "cancelled":
            messages.success(request, _("任务已取消。"))
        else:
            messages.info(request, _("已请求取消，任务会在当前步骤结束时停止，不写入任何数据。"))
    return redirect("jobs:job_detail", job_id=job.pk)
