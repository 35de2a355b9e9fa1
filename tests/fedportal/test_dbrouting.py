"""The read-replica router: dashboards, reports and exports read from `replica`; writes and reads that must see
their own writes stay on the primary. The test settings' `replica` alias is a second, read-only connection to the
same database, so every assertion below is about which connection really ran the query."""

import uuid

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.exports import EXPORT_JOB_KIND
from cases.models import Person
from dashboards.selectors import dashboard_figures_compute
from fedportal.accounts.models import Role
from fedportal.dbrouting import PRIMARY, REPLICA, read_alias, replica_reads
from fedportal.jobs.models import Job, JobStatus
from fedportal.jobs.services import job_execute
from tests.factories import CertificateFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])


@pytest.fixture(autouse=True)
def _replica_reads_on(settings):
    """The test settings define the alias but leave routing off for the rest of the suite."""
    settings.DATABASE_REPLICA_READS = True


class Queries:
    """The SQL each alias ran inside the block."""

    def __enter__(self):
        self.captured = {alias: CaptureQueriesContext(connections[alias]) for alias in (PRIMARY, REPLICA)}
        for capture in self.captured.values():
            capture.__enter__()
        return self

    def __exit__(self, *exc):
        for capture in self.captured.values():
            capture.__exit__(*exc)

    def sql(self, alias) -> list[str]:
        return [query["sql"] for query in self.captured[alias].captured_queries]


@pytest.fixture
def registry(village):
    persons = [PersonFactory(village=village, township=village.township) for _ in range(3)]
    for person in persons:
        CertificateFactory(person=person)
    return persons


def test_dashboard_figures_are_read_from_the_replica(registry):
    with Queries() as queries:
        figures = dashboard_figures_compute(township_id=None, today=timezone.localdate())
    assert figures["certified"]["total"] == 3
    assert queries.sql(REPLICA), "the figures ran no query on the replica"
    assert queries.sql(PRIMARY) == []


def test_outside_a_replica_block_everything_reads_the_primary(registry):
    with Queries() as queries:
        assert Person.objects.count() == 3
    assert len(queries.sql(PRIMARY)) == 1 and queries.sql(REPLICA) == []


def test_inside_a_transaction_reads_stay_on_the_primary(registry, village):
    """Reads in a transaction may need its uncommitted writes, which no replica has."""
    with transaction.atomic(), Queries() as queries:
        PersonFactory(village=village, township=village.township)
        with replica_reads():
            assert read_alias() == PRIMARY
            assert Person.objects.count() == 4
    assert queries.sql(REPLICA) == []


def test_after_a_write_the_block_reads_its_own_writes_from_the_primary(registry, village):
    with replica_reads(), Queries() as queries:
        assert Person.objects.count() == 3  # replica
        PersonFactory(village=village, township=village.township)  # primary, always
        assert Person.objects.count() == 4  # must see its own write: primary
        with replica_reads():  # a nested block does not forget it
            assert read_alias() == PRIMARY
    replica, primary = queries.sql(REPLICA), queries.sql(PRIMARY)
    assert len(replica) == 1 and "COUNT" in replica[0].upper()
    assert any(sql.startswith("INSERT") for sql in primary)
    assert not any(sql.startswith(("INSERT", "UPDATE", "DELETE")) for sql in replica)
    # The block is over: a new one may read from the replica again.
    with replica_reads():
        assert read_alias() == REPLICA


def test_the_replica_connection_refuses_writes(registry):
    with pytest.raises(Exception, match="read-only"):
        with transaction.atomic(using=REPLICA):
            Person.objects.using(REPLICA).filter(pk=registry[0].pk).update(name="改名")
    assert Person.objects.get(pk=registry[0].pk).name != "改名"


def test_the_dashboard_page_reads_its_figures_from_the_replica(client, users, registry, monkeypatch):
    monkeypatch.setattr("dashboards.selectors.CACHE_VERSION", uuid.uuid4().hex)
    client.force_login(users[Role.LEADER])
    with Queries() as queries:
        response = client.get(reverse("dashboards:dashboard"))
    assert response.status_code == 200
    replica = queries.sql(REPLICA)
    assert any("certificates_certificate" in sql for sql in replica)
    # The signed-in user (authentication, permissions) comes from the primary, never from a lagging replica.
    assert any("accounts_user" in sql for sql in queries.sql(PRIMARY))
    assert not any("accounts_user" in sql or "django_session" in sql for sql in replica)


def test_the_person_export_job_reads_from_the_replica(registry, users):
    job = Job.objects.create(
        kind=EXPORT_JOB_KIND, created_by=users[Role.CASEWORKER], params={"filters": {}, "reveal": False}
    )
    with Queries() as queries:
        job_execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["rows"] == 3
    assert any("cases_person" in sql for sql in queries.sql(REPLICA))
    # The job row itself (status, result file) is written on the primary, and read there.
    assert not any("jobs_job" in sql for sql in queries.sql(REPLICA))


def test_without_a_replica_everything_uses_the_primary(registry, monkeypatch):
    from django.conf import settings

    monkeypatch.delitem(settings.DATABASES, REPLICA)
    with replica_reads():
        assert read_alias() == PRIMARY
