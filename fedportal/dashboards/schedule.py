"""Celery beat entries of the dashboards app; the settings take them with
`from fedportal.dashboards.schedule import BEAT_SCHEDULE` and `CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE`."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # The monthly subsidy statement of the month just ended, on the 1st at 06:30 (Asia/Shanghai, CELERY_TIMEZONE).
    "dashboards-monthly-subsidy-statement": {
        "task": "fedportal.dashboards.monthly_subsidy_statement",
        "schedule": crontab(minute=30, hour=6, day_of_month=1),
    },
    # The dashboard's figures of the county and every township, recomputed before they expire (20 minutes).
    "dashboards-warm-figures": {
        "task": "fedportal.dashboards.warm_figures",
        "schedule": crontab(minute="*/10"),
    },
}
