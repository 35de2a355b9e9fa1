"""Sessions that end after the idle timeout without a database write on every request.

Django's SESSION_SAVE_EVERY_REQUEST keeps the idle timeout exact by saving the session (an UPDATE and a commit,
plus a cache write) on every request: under load that is the busiest statement of the portal, and concurrent
requests of one user queue on the same row. Here a request saves the session when it changed, or when its expiry
was last pushed forward at least SESSION_REFRESH_SECONDS ago; the idle timeout is then exact to that interval
(a session idle for SESSION_COOKIE_AGE minus at most SESSION_REFRESH_SECONDS ends), and a working user's
session is written about once a minute instead of on every click.
"""

import time

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware

REFRESHED_AT = "_refreshed_at"


class IdleTimeoutSessionMiddleware(SessionMiddleware):
    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.modified and not session.is_empty():
            now = int(time.time())
            if now - session.get(REFRESHED_AT, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_AT] = now  # marks it modified: saved, expiry pushed forward
        return super().process_response(request, response)


def mark_refreshed_at_login(sender, request, user, **kwargs):
    """A login saves the session with a fresh expiry: the next minute of requests need not save it again."""
    session = getattr(request, "session", None)
    if session is not None:
        session[REFRESHED_AT] = int(time.time())
