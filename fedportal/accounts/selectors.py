from django.contrib.auth import get_user_model

from .models import Role


def system_user():
    """The account that owns work nobody started by hand (scheduled reports, a CLI run without --user):
    the first active administrator, or None on an empty installation."""
    return get_user_model().objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
