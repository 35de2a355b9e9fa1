"""System self-test: proves from the worker that the database, the cache and the broker path work."""

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.utils.translation import gettext_lazy as _

from cases.models import Person, Township
from fedportal.jobs.registry import job_handler


@job_handler("system.selftest", label=_("系统自检"))
def system_selftest(job, progress):
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
