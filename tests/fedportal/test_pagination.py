"""List counts cached for a minute, never hiding a row: a page that disagrees with the cached count recounts."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Person
from fedportal.core.pagination import CachedCountPaginator
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _count_cache_on(settings):
    settings.LIST_COUNT_CACHE_SECONDS = 60


@pytest.fixture
def named(village):
    """Persons with a name prefix of their own, so no other test's cached count applies."""
    prefix = uuid.uuid4().hex[:8]

    def make(n: int):
        for _ in range(n):
            PersonFactory(village=village, township=village.township, name=f"{prefix}{uuid.uuid4().hex[:6]}")
        return Person.objects.filter(name__startswith=prefix).order_by("pk")

    return make


def _counts(queries) -> int:
    return sum("COUNT(" in query["sql"].upper() for query in queries.captured_queries)


def test_the_count_is_reused_for_the_next_request(named):
    persons = named(5)
    assert CachedCountPaginator(persons, 2).count == 5
    with CaptureQueriesContext(connection) as queries:
        page = CachedCountPaginator(persons, 2).get_page(2)
    assert _counts(queries) == 0
    assert page.paginator.count == 5 and page.paginator.num_pages == 3 and len(page) == 2


def test_rows_added_since_the_count_are_shown_and_counted(named):
    persons = named(3)
    assert CachedCountPaginator(persons, 10).count == 3
    named(2)
    with CaptureQueriesContext(connection) as queries:
        page = CachedCountPaginator(persons, 10).get_page(1)
    assert len(page) == 5 and page.paginator.count == 5
    assert _counts(queries) == 1
    assert CachedCountPaginator(persons, 10).count == 5  # and the fresh count is what is cached now


def test_a_page_past_a_stale_count_is_not_empty(named):
    persons = named(4)
    assert CachedCountPaginator(persons, 2).num_pages == 2
    named(2)
    page = CachedCountPaginator(persons, 2).get_page(3)
    assert page.number == 3 and len(page) == 2


def test_rows_removed_since_the_count_are_recounted(named):
    persons = named(5)
    assert CachedCountPaginator(persons, 10).count == 5
    persons.filter(pk__in=list(persons.values_list("pk", flat=True)[:2])).delete()
    page = CachedCountPaginator(persons, 10).get_page(1)
    assert len(page) == 3 and page.paginator.count == 3


def test_without_the_cache_every_request_counts(named, settings):
    settings.LIST_COUNT_CACHE_SECONDS = 0
    persons = named(3)
    assert CachedCountPaginator(persons, 2).count == 3
    with CaptureQueriesContext(connection) as queries:
        assert CachedCountPaginator(persons, 2).count == 3
    assert _counts(queries) == 1
