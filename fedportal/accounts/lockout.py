"""Login lockout by account and address together, plus a larger limit per address across accounts.

By account alone, anyone could keep any account (the administrator's included) locked with five requests every
fifteen minutes from anywhere. By address alone, one township office behind a NAT would lock itself out. So:
- five failures for one account from one address lock that account from that address (its owner elsewhere can
  still sign in);
- AXES_IP_FAILURE_LIMIT failures from one address across all accounts (a password spray) lock the address.
An administrator unlocks from the user admin (action "解除登录锁定") or the axes admin pages.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class UsernameAndAddressHandler(AxesDatabaseHandler):
    """AXES_LOCKOUT_PARAMETERS is [["username", "ip_address"], "ip_address"]; each group has its own limit."""

    def is_locked(self, request, credentials=None) -> bool:
        if not settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        by_account_and_address, by_address = (_failures(qs) for qs in self.get_user_attempts(request, credentials))
        return by_account_and_address >= settings.AXES_FAILURE_LIMIT or by_address >= settings.AXES_IP_FAILURE_LIMIT
