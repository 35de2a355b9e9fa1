"""A paginator whose total count is cached for a short while.

A list page's `COUNT(*)` over a county of 200,000 persons (or a million audit events) costs as much as the rest
of the page, and repeats on every page turn and filter click of every user. The count is cached per exact query
(its SQL and parameters, so each scope and filter has its own) for LIST_COUNT_CACHE_SECONDS. The rows are always
read fresh, and a page whose rows disagree with the cached count (rows added or removed since) recounts at once,
so a stale count never hides a row: it can only show "共 N 人" a little behind until the next page that notices.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, Paginator
from django.db.models import QuerySet


class CachedCountPaginator(Paginator):
    def _key(self) -> str | None:
        objects = self.object_list
        if not isinstance(objects, QuerySet) or not settings.LIST_COUNT_CACHE_SECONDS:
            return None
        try:
            sql, params = objects.query.sql_with_params()
        except Exception:  # noqa: BLE001 - an empty or unusual query: count it every time
            return None
        return "pagination:count:" + hashlib.sha256(f"{objects.db}|{sql}|{params!r}".encode()).hexdigest()

    @property
    def count(self) -> int:
        if not hasattr(self, "_count"):
            key = self._key()
            cached = cache.get(key) if key else None
            self._count_cached = cached is not None
            self._count = cached if cached is not None else self._fresh_count(key)
        return self._count

    def _fresh_count(self, key: str | None) -> int:
        count = Paginator.count.func(self)  # Django's own count (a cached_property's function)
        if key:
            cache.set(key, count, settings.LIST_COUNT_CACHE_SECONDS)
        return count

    def _recount(self) -> None:
        self._count = self._fresh_count(self._key())
        self._count_cached = False
        self.__dict__.pop("num_pages", None)

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            if self.count and not getattr(self, "_count_cached", False):
                raise
            self._recount()  # the cached count may be behind: ask again before saying the page is empty
            return super().validate_number(number)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + self.orphans + 1])
        expected = max(0, min(self.count - bottom, self.per_page + self.orphans + 1))
        if getattr(self, "_count_cached", False) and len(rows) != expected:
            self._recount()
            expected = max(0, min(self.count - bottom, self.per_page + self.orphans + 1))
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(rows[: top - bottom], number, self)
