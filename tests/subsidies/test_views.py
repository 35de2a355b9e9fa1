"""Pages: lists, application workflow through the views, run review, exports (finance only), dynamic management."""

from datetime import date

import pytest
from django.urls import reverse

from fedportal.accounts.models import Role
from fedportal.audit.models import SensitiveAccess
from fedportal.jobs.models import Job
from fedportal.jobs.services import job_execute
from subsidies.models import Application, ApplicationStatus, Enrollment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("subsidies:application_list", {Role.CASEWORKER, Role.REVIEWER, Role.LIAISON, Role.ADMIN}),
        (
            "subsidies:dynamic_management",
            {Role.CASEWORKER, Role.REVIEWER, Role.LIAISON, Role.LEADER, Role.FINANCE, Role.ADMIN},
        ),
        ("subsidies:payment_run_list", {Role.LEADER, Role.FINANCE, Role.ADMIN}),
        ("subsidies:budget_list", {Role.FINANCE, Role.ADMIN}),
    ],
)
def test_list_pages_by_role(client, users, programs, name, allowed):
    for role, user in users.items():
        client.force_login(user)
        response = client.get(reverse(name))
        assert response.status_code == (200 if role in allowed else 403), (role, name)


def test_application_workflow_through_the_pages(client, users, programs, make_holder, liaison):
    person = make_holder(grade=1)
    client.force_login(liaison)
    response = client.post(
        reverse("subsidies:application_create"),
        {"id_number": person.id_number, "program": programs["nursing"].pk, "applied_on": "2026-01-15"},
    )
    application = Application.objects.get()
    assert response.status_code == 302
    client.post(
        reverse("subsidies:application_action", args=[application.pk]), {"action": "check", "comment": "材料齐全"}
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.TOWNSHIP_CHECKED
    reviewer = users[Role.REVIEWER]
    client.force_login(reviewer)
    page = client.get(reverse("subsidies:application_detail", args=[application.pk]))
    assert "符合条件" in page.content.decode()
    client.post(
        reverse("subsidies:application_action", args=[application.pk]), {"action": "approve", "comment": "同意"}
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    enrollment = Enrollment.objects.get(person=person)
    assert enrollment.start_month == date(2026, 1, 1) and enrollment.source == "application"
    assert [s.user_id for s in application.steps.all()] == [liaison.pk, liaison.pk, reviewer.pk]


def test_approval_shows_reasons_and_refuses_a_person_who_does_not_qualify(
    client, users, programs, make_holder, liaison
):
    person = make_holder(grade=3)
    client.force_login(liaison)
    client.post(
        reverse("subsidies:application_create"),
        {"id_number": person.id_number, "program": programs["nursing"].pk, "applied_on": "2026-01-15"},
    )
    application = Application.objects.get()
    client.post(reverse("subsidies:application_action", args=[application.pk]), {"action": "check"})
    client.force_login(users[Role.REVIEWER])
    assert "不再符合等级" in client.get(reverse("subsidies:application_detail", args=[application.pk])).content.decode()
    client.post(reverse("subsidies:application_action", args=[application.pk]), {"action": "approve"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.TOWNSHIP_CHECKED
    assert not Enrollment.objects.exists()


def test_liaison_cannot_see_another_townships_application(client, users, programs, make_holder, liaison, other_village):
    person = make_holder(grade=1, village_=other_village)
    application = Application.objects.create(
        person=person,
        program=programs["nursing"],
        applied_on=date(2026, 1, 5),
        township=other_village.township,
        entered_by=users[Role.CASEWORKER],
    )
    client.force_login(liaison)
    assert client.get(reverse("subsidies:application_detail", args=[application.pk])).status_code == 404


def test_run_review_and_export_pages(client, users, programs, make_holder, enroll, compute, finance, finance2):
    enroll(make_holder(grade=1), "nursing", start=date(2025, 12, 1))
    run = compute("nursing", date(2026, 1, 1))
    client.force_login(finance)
    page = client.get(reverse("subsidies:payment_run_detail", args=[run.pk])).content.decode()
    assert "按乡镇汇总" in page and "审批并锁定" not in page  # the creator gets no approve button
    client.force_login(finance2)
    assert "审批并锁定" in client.get(reverse("subsidies:payment_run_detail", args=[run.pk])).content.decode()
    # Approval goes through the confirmation of lines and total.
    response = client.post(reverse("subsidies:payment_run_action", args=[run.pk]), {"action": "approve"})
    assert response.url == reverse("subsidies:payment_run_approve", args=[run.pk])
    client.post(response.url, {"expected_lines": run.lines_count, "expected_total": str(run.total), "confirm": "on"})
    # The approval is a job: freezing the lines happens in the worker.
    approval = Job.objects.get(kind="subsidies.payment_run_approve")
    assert job_execute(approval.pk).status == "succeeded"
    run.refresh_from_db()
    assert run.status == "approved"
    # The sheet is a job; its file is downloaded from the job.
    client.post(reverse("subsidies:payment_run_export", args=[run.pk]), {"format": "xlsx"})
    job = Job.objects.get(kind="subsidies.payment_sheet")
    assert job_execute(job.pk).status == "succeeded"
    response = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"
    assert SensitiveAccess.objects.filter(field="export", user=finance2).count() == 2  # the start and the download
    client.force_login(users[Role.LEADER])
    assert client.post(reverse("subsidies:payment_run_export", args=[run.pk])).status_code == 403


def test_dynamic_management(client, users, programs, make_holder, enroll, caseworker):
    unenrolled = make_holder(grade=1, name="应享未享")
    lapsed = make_holder(grade=3, name="应退未退")
    enroll(lapsed, "nursing")
    client.force_login(caseworker)
    page = client.get(
        reverse("subsidies:dynamic_management"), {"program": "nursing", "on": "2026-03-01"}
    ).content.decode()
    assert unenrolled.name in page and lapsed.name in page and "不再符合等级" in page


def test_a_person_is_chosen_with_the_picker_within_the_users_scope(
    client, programs, make_holder, liaison, other_village
):
    from tests.factories import PersonFactory

    person = make_holder(grade=1)
    stranger = PersonFactory(village=other_village, township=other_village.township, name=person.name)
    client.force_login(liaison)
    form = client.get(reverse("subsidies:application_create")).content.decode()
    assert 'name="pick_q"' in form and reverse("cases:person_pick") in form
    # Matches by name or by the last four digits, only in the liaison's township, ID numbers masked.
    for query in (person.name, person.id_number[-4:]):
        body = client.get(reverse("cases:person_pick"), {"pick_q": query}, HTTP_HX_REQUEST="true").content.decode()
        assert f'data-pick-person="{person.pk}"' in body and f'data-pick-person="{stranger.pk}"' not in body
        assert person.id_number not in body and person.id_number[-4:] in body
    response = client.post(
        reverse("subsidies:application_create"),
        {"person": person.pk, "program": programs["nursing"].pk, "applied_on": "2026-01-15"},
    )
    assert response.status_code == 302 and Application.objects.get().person == person
    # Another township's person cannot be slipped in by id.
    response = client.post(
        reverse("subsidies:application_create"),
        {"person": stranger.pk, "program": programs["living"].pk, "applied_on": "2026-01-15"},
    )
    assert response.status_code == 404 and Application.objects.count() == 1


def test_the_review_figures_are_kept_until_the_run_changes(
    client, programs, make_holder, enroll, compute, finance, other_township
):
    """The section counts are kept per run state and filter (RUN_REVIEW_CACHE_SECONDS): the same draft shows the
    same figures without counting again; computing it again, or another filter, gives fresh ones."""
    first = make_holder(grade=1)
    enroll(first, "nursing", start=date(2025, 12, 1))
    run = compute("nursing", date(2026, 1, 1))
    client.force_login(finance)
    url = reverse("subsidies:payment_run_detail", args=[run.pk])

    def counts(**params):
        return {key: count for key, _label, count in client.get(url, params).context["tabs"]}

    before = counts()["lines"]
    assert before == run.lines.count() > 0
    second = make_holder(grade=2)
    enroll(second, "nursing", start=date(2025, 12, 1))
    assert counts()["lines"] == before  # the draft as computed: its lines have not changed
    compute("nursing", date(2026, 1, 1))  # computed again: a new state, new figures
    assert counts()["lines"] == run.lines.count() > before
    assert counts(section="new")["new"] == 2
    assert counts(township=other_township.pk)["lines"] == 0  # another filter, its own figures
