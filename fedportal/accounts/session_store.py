"""Sessions read from the cache and written through to PostgreSQL, that keep working when the cache is down.

Django's cached_db store lets a cache failure through on login (`exists`), on load after a miss and on logout, so
with Redis unreachable nobody could sign in or use a page that only reads the database. Here every cache call is an
optimisation: a failure is a miss, and the cache is left alone for a few seconds (fedportal.core.cache) so one
request does not wait on each of its calls. The database row stays the truth: a session deleted while the cache
was down is gone from the database, and its cached copy expires with the idle timeout.
"""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from fedportal.core.cache import cache_failed, cache_usable


class SessionStore(CachedDBStore):
    def load(self):
        data = None
        if cache_usable():
            try:
                data = self._cache.get(self.cache_key)
            except Exception as exc:  # noqa: BLE001 - any cache failure is a miss
                cache_failed("session read", exc)
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        self._cache_set(data, self.get_expiry_age(expiry=row.expire_date))
        return data

    def exists(self, session_key):
        if session_key and cache_usable():
            try:
                if (self.cache_key_prefix + session_key) in self._cache:
                    return True
            except Exception as exc:  # noqa: BLE001
                cache_failed("session lookup", exc)
        return super(CachedDBStore, self).exists(session_key)

    def save(self, must_create=False):
        super(CachedDBStore, self).save(must_create)
        self._cache_set(self._session, self.get_expiry_age())

    def delete(self, session_key=None):
        super(CachedDBStore, self).delete(session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        if cache_usable():
            try:
                self._cache.delete(self.cache_key_prefix + session_key)
            except Exception as exc:  # noqa: BLE001
                cache_failed("session delete", exc)

    def _cache_set(self, data, timeout) -> None:
        if not cache_usable():
            return
        try:
            self._cache.set(self.cache_key, data, timeout)
        except Exception as exc:  # noqa: BLE001
            cache_failed("session write", exc)
