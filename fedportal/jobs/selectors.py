from django.http import Http404

from fedportal.accounts.permissions import Perm, has_perm

from .models import Job


def job_list_for_user(*, user):
    """A user's own jobs; administrators see everyone's."""
    jobs = Job.objects.select_related("created_by", "township")
    if has_perm(user, Perm.JOB_VIEW_ALL):
        return jobs
    return jobs.filter(created_by=user)


def job_get_for_user(*, user, job_id: int) -> Job:
    job = job_list_for_user(user=user).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job
