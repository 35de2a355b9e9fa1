from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from fedportal.jobs.selectors import job_list_for_user


def home(request):
    recent_jobs = job_list_for_user(user=request.user)[:5]
    return render(request, "core/home.html", {"recent_jobs": recent_jobs})


@login_not_required
def healthz(request):
    """For load balancers and docker: the web process is up and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
