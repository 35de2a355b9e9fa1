"""A paginator whose total count is cached for a minute.

A list page's `COUNT(*)` over a county of 200,000 persons (or a million audit events) costs more than the page
of rows it shows, and repeats on every page turn and filter click of every user. The count is cached per exact
query (its SQL and parameters, so each scope and filter has its own) for COUNT_CACHE_SECONDS: "共 N 人" may lag
a write by up to that long; the rows on the page are always read fresh.
"""

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CACHE_SECONDS = 60


class CachedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        objects = self.object_list
        if not isinstance(objects, QuerySet):
            return super().count
        try:
            sql, params = objects.query.sql_with_params()
        except Exception:  # noqa: BLE001 - an empty or odd query: just count it
            return super().count
        digest = hashlib.sha256(f"{objects.db}|{sql}|{params!r}".encode()).hexdigest()
        key = f"pagination:count:{digest}"
        count = cache.get(key)
        if count is None:
            count = super().count
            cache.set(key, count, COUNT_CACHE_SECONDS)
        return count
