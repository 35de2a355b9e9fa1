"""Background jobs of the registry: the XLSX export of the filtered person list, and the system self-test."""

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fedportal.accounts.permissions import Perm, has_perm
from fedportal.core.clock import local_today
from fedportal.dbrouting import read_alias, replica_reads
from fedportal.jobs.registry import job_handler
from fedportal.jobs.services import JobError, job_attach_file

from .exports import EXPORT_JOB_KIND, person_export_queryset, person_export_xlsx
from .models import Person, Township


def _filters(params) -> dict[str, list[str]]:
    filters = params.get("filters") or {}
    if not isinstance(filters, dict) or not all(
        isinstance(key, str) and isinstance(values, list) and all(isinstance(value, str) for value in values)
        for key, values in filters.items()
    ):
        raise JobError(_("导出条件无效。"))
    return filters


@job_handler(EXPORT_JOB_KIND, label=gettext_lazy("残疾人名单导出"))
def export_persons(job, progress):
    # Re-read the user: their role, township or active flag may have changed since the job was queued, and the
    # scope is applied here, so a liaison's export never holds another township whatever the params say.
    user = get_user_model().objects.filter(pk=job.created_by_id).first()
    if user is None or not has_perm(user, Perm.PERSON_EXPORT):
        raise JobError(_("创建人已无导出权限，未生成文件。"))
    reveal = job.params.get("reveal") is True and has_perm(user, Perm.PERSON_REVEAL)
    message = _("正在导出残疾人名单")
    written = 0

    def report(done: int) -> None:
        nonlocal written
        written = done
        progress.set(done, message)

    # A read-only transaction, so the server-side cursor needs no WITH HOLD; nothing is written here. The list is
    # read from the replica when one is configured (progress goes to the cache, not the database).
    with replica_reads(), transaction.atomic(using=read_alias()):
        persons = person_export_queryset(user, _filters(job.params))
        progress.start(persons.count(), message)
        output = person_export_xlsx(persons, reveal=reveal, progress=report)
    with output:
        suffix = "完整号码" if reveal else "脱敏"
        job_attach_file(job=job, filename=f"残疾人名单-{suffix}-{local_today():%Y%m%d}.xlsx", content=output)
    return {"rows": written, "full_numbers": reveal}


# The self-test counts the registry's rows as well as the users, so it lives with the registry, not in the platform.
@job_handler("system.selftest", label=gettext_lazy("系统自检"))
def system_selftest(job, progress):
    """Proves from the worker that the database, the cache and the broker path work."""
    progress.start(3, _("检查数据库"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server_version = cursor.fetchone()[0].split(",")[0]
    progress.step(message=_("检查缓存"))
    cache.set(f"selftest:{job.pk}", job.pk, 60)
    cache_ok = cache.get(f"selftest:{job.pk}") == job.pk
    progress.step(message=_("统计登记数据"))
    counts = {
        "townships": Township.objects.count(),
        "persons": Person.objects.count(),
        "users": get_user_model().objects.count(),
    }
    progress.step()
    return {"database": server_version, "cache_ok": cache_ok, **counts}
