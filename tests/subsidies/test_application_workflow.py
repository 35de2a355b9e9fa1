"""The application workflow around the money: two different people for the two review levels, "申请补贴" from the
person page with the person chosen, only the chosen program's fields, and date fields the browser accepts."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fedportal.accounts.models import Role
from subsidies.models import Application, ApplicationStatus
from subsidies.services import application_decide, application_submit, application_township_check

pytestmark = pytest.mark.django_db


def test_township_checker_cannot_do_the_county_review(make_holder, programs, users, make_user):
    person = make_holder(grade=1)
    reviewer, other_reviewer = users[Role.REVIEWER], make_user(Role.REVIEWER, "reviewer2")
    application = application_submit(
        person=person, program=programs["nursing"], applied_on=date(2026, 1, 5), acting_user=users[Role.CASEWORKER]
    )
    application_township_check(application=application, acting_user=reviewer)
    with pytest.raises(ValidationError) as error:
        application_decide(application=application, acting_user=reviewer, approve=True)
    assert "乡镇初审人不能再作县级审核" in str(error.value)
    with pytest.raises(ValidationError):
        application_decide(application=application, acting_user=reviewer, approve=False, comment="驳回")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.TOWNSHIP_CHECKED
    application_decide(application=application, acting_user=other_reviewer, approve=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert [s.user_id for s in application.steps.all()] == [users[Role.CASEWORKER].pk, reviewer.pk, other_reviewer.pk]


def test_person_page_offers_apply_with_the_person_chosen(client, make_holder, programs, users):
    person = make_holder(grade=1)
    client.force_login(users[Role.CASEWORKER])
    page = client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    link = f"{reverse('subsidies:application_create')}?person={person.pk}"
    assert "申请补贴" in page and link in page
    choose = client.get(link).content.decode()
    assert person.name in choose and 'name="program"' in choose and "下一步" in choose
    assert person.id_number not in choose  # masked, never the full number
    # Leaders and finance cannot enter applications: no button.
    client.force_login(users[Role.LEADER])
    assert "申请补贴" not in client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()


def test_form_shows_only_the_chosen_programs_fields(client, make_holder, programs, users):
    person = make_holder(grade=1, education_stage="college")
    client.force_login(users[Role.CASEWORKER])
    url = reverse("subsidies:application_create")
    nursing = client.get(url, {"person": person.pk, "program": "nursing"}).content.decode()
    assert 'name="school"' not in nursing and 'name="education_stage"' not in nursing
    assert 'name="id_number"' not in nursing and f'name="person" value="{person.pk}"' in nursing
    education = client.get(url, {"person": person.pk, "program": "education"}).content.decode()
    assert 'name="school"' in education and 'name="education_stage"' in education
    # Without a person, the ID number is asked for.
    assert 'name="id_number"' in client.get(url, {"program": "nursing"}).content.decode()


def test_application_date_renders_in_the_format_the_browser_accepts(client, make_holder, programs, users):
    person = make_holder(grade=1)
    client.force_login(users[Role.CASEWORKER])
    page = client.get(reverse("subsidies:application_create"), {"person": person.pk, "program": "nursing"})
    today = timezone.localdate().isoformat()
    assert 'type="date"' in page.content.decode()
    assert f'value="{today}"' in page.content.decode()


def test_submit_with_the_person_chosen(client, make_holder, programs, users):
    person = make_holder(grade=1, education_stage="college")
    client.force_login(users[Role.CASEWORKER])
    response = client.post(
        reverse("subsidies:application_create"),
        {
            "person": person.pk,
            "program": programs["education"].pk,
            "applied_on": "2026-09-01",
            "school": "江西师范大学",
            "education_stage": "college",
        },
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert (application.person, application.program.code, application.school) == (person, "education", "江西师范大学")


def test_the_posted_program_is_the_one_used(client, make_holder, programs, users):
    person = make_holder(grade=1)
    client.force_login(users[Role.CASEWORKER])
    response = client.post(
        reverse("subsidies:application_create") + "?program=nursing",
        {"person": person.pk, "program": programs["living"].pk, "applied_on": "2026-09-01"},
    )
    # The POSTed program wins over the query string and is used consistently.
    assert response.status_code == 302
    assert Application.objects.get().program.code == "living"


def test_liaison_cannot_choose_another_townships_person(client, make_holder, programs, users, other_village):
    person = make_holder(grade=1, village_=other_village)
    client.force_login(users[Role.LIAISON])
    assert client.get(reverse("subsidies:application_create"), {"person": person.pk}).status_code == 404
