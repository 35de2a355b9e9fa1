"""What services write, the admin only shows: a change, add or delete of an enrollment or application through the
admin is refused (a POST included) and changes nothing; configuration stays editable there."""

from datetime import date

import pytest
from django.contrib import admin
from django.urls import reverse

from cases.models import Household, Person, Township
from certificates.models import Certificate
from fedportal.accounts.models import Role
from fedportal.jobs.models import Job
from subsidies.models import Application, Budget, Enrollment, PaymentRun, Program, ProgramRate
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(users, programs, village):
    person = PersonFactory(village=village, township=village.township)
    application = Application.objects.create(
        person=person,
        program=programs["nursing"],
        applied_on=date(2026, 1, 5),
        township=village.township,
        entered_by=users[Role.CASEWORKER],
    )
    enrollment = Enrollment.objects.create(person=person, program=programs["nursing"], start_month=date(2026, 1, 1))
    return application, enrollment


def test_admin_change_post_is_refused_for_enrollments_and_applications(client, users, records):
    application, enrollment = records
    client.force_login(users[Role.ADMIN])
    for obj, field, value in ((application, "status", "approved"), (enrollment, "status", "stopped")):
        opts = obj._meta
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        page = client.get(change)
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # shown, view only
        response = client.post(change, {field: value, "person": obj.person_id, "program": obj.program_id})
        assert response.status_code == 403
        before = getattr(obj, field)
        obj.refresh_from_db()
        assert getattr(obj, field) == before
        assert client.post(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"), {}).status_code == 403
        delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("model", [Person, Household, Certificate, Application, Enrollment, Budget, PaymentRun, Job])
def test_service_owned_models_are_view_only(rf, users, model):
    request = rf.get("/admin/")
    request.user = users[Role.ADMIN]
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


@pytest.mark.parametrize("model", [Township, Program, ProgramRate])
def test_configuration_stays_editable(rf, users, model):
    request = rf.get("/admin/")
    request.user = users[Role.ADMIN]
    model_admin = admin.site._registry[model]
    assert model_admin.has_change_permission(request) and model_admin.has_add_permission(request)
