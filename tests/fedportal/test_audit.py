import pghistory
import pytest
from django.urls import reverse
from pghistory.models import Events

from cases.models import Person
from fedportal.accounts.models import Role
from fedportal.audit.selectors import audit_event_list
from fedportal.audit.services import sensitive_access_record
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_every_change_records_who_when_and_what(users, village):
    caseworker = users[Role.CASEWORKER]
    with pghistory.context(user=caseworker.pk, url="/persons/1/edit/"):
        person = PersonFactory(village=village, township=village.township, name="张三")
        Person.objects.filter(pk=person.pk).update(phone="13712345678")
    events = {e.pgh_label: e for e in Events.objects.tracks(person)}
    assert set(events) == {"insert", "update"}
    assert events["update"].pgh_diff["phone"][1] == "13712345678"
    assert events["update"].pgh_context["user"] == caseworker.pk
    assert events["update"].pgh_context["url"] == "/persons/1/edit/"


def test_bulk_writes_are_audited_too(village):
    with pghistory.context(command="test-bulk"):
        Person.objects.bulk_create([PersonFactory.build(village=village, township=village.township) for _ in range(3)])
    inserted = Events.objects.filter(pgh_obj_model="cases.Person", pgh_label="insert")
    assert inserted.count() == 3
    assert all(e.pgh_context["command"] == "test-bulk" for e in inserted)


def test_deletes_are_audited(village):
    person = PersonFactory(village=village, township=village.township)
    person_id = person.pk
    person.delete()
    assert Events.objects.filter(pgh_obj_model="cases.Person", pgh_obj_id=person_id, pgh_label="delete").exists()


def test_audit_list_filters_by_person_and_user(users, village):
    caseworker = users[Role.CASEWORKER]
    with pghistory.context(user=caseworker.pk):
        alice = PersonFactory(village=village, township=village.township, name="甲")
    with pghistory.context(user=users[Role.REVIEWER].pk):
        PersonFactory(village=village, township=village.township, name="乙")
    assert {e.pgh_obj_id for e in audit_event_list(person=alice) if e.pgh_obj_model == "cases.Person"} == {
        str(alice.pk)
    }
    assert {str(e.pgh_obj_id) for e in audit_event_list(user_id=caseworker.pk)} == {str(alice.pk)}


def test_audit_page_for_administrators(client, users, village):
    person = PersonFactory(village=village, township=village.township, name="王五")
    sensitive_access_record(user=users[Role.CASEWORKER], person=person, field="id_number", detail="人员详情")
    client.force_login(users[Role.ADMIN])
    response = client.post(reverse("audit:event_list"), {"id_number": person.id_number}, follow=True)
    assert response.status_code == 200
    assert "新增" in response.content.decode()
    response = client.post(reverse("audit:sensitive_access_list"), {"id_number": person.id_number}, follow=True)
    assert "王五" in response.content.decode()
    client.force_login(users[Role.CASEWORKER])
    assert client.get(reverse("audit:event_list")).status_code == 403


def test_audit_page_queries_do_not_grow_with_rows(client, users, village, django_assert_max_num_queries):
    for index in range(3):
        with pghistory.context(user=users[Role.CASEWORKER].pk):
            PersonFactory(village=village, township=village.township, name=f"甲{index}")
    client.force_login(users[Role.ADMIN])
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("audit:event_list"))
    for index in range(20):
        with pghistory.context(user=users[Role.REVIEWER].pk):
            PersonFactory(village=village, township=village.township, name=f"乙{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(reverse("audit:event_list")).content.decode()
    assert users[Role.REVIEWER].display_name in body


def test_audit_page_shows_changes_in_words(client, users, village):
    """Field names as the forms call them, choices by their label, users by name, times in local time."""
    from fedportal.audit.templatetags.audit_tags import audit_changes

    caseworker = users[Role.CASEWORKER]
    with pghistory.context(user=caseworker.pk):
        person = PersonFactory(village=village, township=village.township, name="赵六")
        Person.objects.filter(pk=person.pk).update(phone="13712345678", poverty_status="dibao")
    client.force_login(users[Role.ADMIN])
    body = client.post(reverse("audit:event_list"), {"id_number": person.id_number}, follow=True).content.decode()
    assert str(Person._meta.get_field("phone").verbose_name) in body
    assert "poverty_status" not in body and ">phone<" not in body
    update = next(e for e in Events.objects.tracks(person) if e.pgh_label == "update")
    rows = {label: (before, after) for label, before, after in audit_changes(update, {caseworker.pk: "经办员"})}
    assert rows[str(Person._meta.get_field("poverty_status").verbose_name)][1] == "低保"
    # Sensitive values are masked in the audit log like everywhere else (fedportal/core/sensitive.py).
    assert rows[str(Person._meta.get_field("phone").verbose_name)][1] == "137****5678"
    assert "13712345678" not in body


@pytest.mark.django_db
def test_statement_level_triggers_record_one_event_per_row_with_the_context(village):
    """Person, Household, Certificate, its components and PovertyRecord are written in bulk by rosters: their audit
    triggers fire once per statement (`audited(bulk_written=True)`) and still record one event per row changed,
    with the acting context, and no event for an update that changes nothing."""
    import pghistory

    from cases.models import Person
    from tests.factories import PersonFactory

    people = PersonFactory.build_batch(3, village=village, township=village.township)
    with pghistory.context(command="bulk-test"):
        Person.objects.bulk_create(people)
        Person.objects.filter(pk__in=[p.pk for p in people[:2]]).update(phone="13811112222")
        Person.objects.filter(pk=people[2].pk).update(name=people[2].name)  # no change
    events = Person.pgh_event_models["insert"].objects.filter(pgh_obj_id__in=[p.pk for p in people])
    labels = sorted(events.values_list("pgh_label", flat=True))
    assert labels == ["insert"] * 3 + ["update"] * 2
    assert {e.pgh_context.metadata.get("command") for e in events.select_related("pgh_context")} == {"bulk-test"}
