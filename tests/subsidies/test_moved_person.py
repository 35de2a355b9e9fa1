"""One scope rule (fedportal.accounts.permissions.scope_q): records about a person follow the person's current
township. A person moved to another township leaves the old township liaison's applications, enrollments and
payment lines, and appears in the new one's."""

from datetime import date

import pytest

from cases.services import person_update
from fedportal.accounts.models import Role
from subsidies import selectors, selectors_payments
from subsidies.models import Application, PaymentLine, PaymentRun
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_moved_person_follows_the_new_township(
    programs, village, other_village, township, other_township, make_user, caseworker, enroll
):
    old_liaison = make_user(Role.LIAISON, "liaison_old", township=township)
    new_liaison = make_user(Role.LIAISON, "liaison_new", township=other_township)
    person = PersonFactory(village=village, township=township)
    nursing = programs["nursing"]
    application = Application.objects.create(
        person=person, program=nursing, applied_on=date(2026, 1, 5), township=township, entered_by=caseworker
    )
    enrollment = enroll(person, "nursing")
    run = PaymentRun.objects.create(
        program=nursing, period=date(2026, 1, 1), as_of=date(2026, 1, 1), created_by=caseworker
    )
    line = PaymentLine.objects.create(
        run=run,
        program=nursing,
        person=person,
        township=township,  # the sheet's snapshot keeps the township of the day
        month=run.period,
        kind="current",
        tier="grade1",
        amount=100,
    )

    def visible(user):
        return (
            selectors.application_list_for_user(user=user).filter(pk=application.pk).exists(),
            selectors.enrollment_list_for_user(user=user).filter(pk=enrollment.pk).exists(),
            # Liaisons have no payment-run view; the rule the review's sections apply is checked directly.
            selectors_payments._scoped(user, PaymentLine.objects.filter(pk=line.pk)).exists(),
        )

    assert visible(old_liaison) == (True, True, True)
    assert visible(new_liaison) == (False, False, False)

    person_update(person=person, expected_version=person.version, village=other_village, acting_user=caseworker)

    assert visible(old_liaison) == (False, False, False)
    assert visible(new_liaison) == (True, True, True)
    line.refresh_from_db()
    assert line.township_id == township.pk  # the snapshot is not access
