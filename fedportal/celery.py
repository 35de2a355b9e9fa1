"""The Celery app `fedportal`: `celery -A fedportal worker` / `celery -A fedportal beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fedportal.settings")

app = Celery("fedportal")
# All Celery settings live in Django settings under the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
