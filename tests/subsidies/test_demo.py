import io
import random
from datetime import date

import pytest

from subsidies.demo import seed_demo_data
from subsidies.models import Enrollment

pytestmark = pytest.mark.django_db


def test_seed_demo_enrolls_qualifying_persons(programs, make_holder):
    nursing, living = make_holder(grade=1), make_holder(grade=4, poverty="dibao")
    make_holder(grade=4)
    out = io.StringIO()
    created = seed_demo_data(rng=random.Random(1), today=date(2026, 3, 15), stdout=out)
    assert created["nursing"] == 1 and created["living"] == 1
    allowances = Enrollment.objects.filter(program__code__in=["living", "nursing"])
    assert set(allowances.values_list("person_id", "program__code")) == {
        (nursing.pk, "nursing"),
        (living.pk, "living"),
    }
    assert seed_demo_data(rng=random.Random(1), today=date(2026, 3, 15), stdout=out)["nursing"] == 0


def test_seed_demo_grants_through_the_workflow_and_runs(programs, make_holder, users, make_user):
    from types import SimpleNamespace

    from fedportal.accounts.models import Role
    from subsidies.models import Application, OncePayment

    poor = [make_holder(poverty="dibao") for _ in range(3)]
    severe = make_holder(grade=1)
    demo_users = {
        "caseworker": users[Role.CASEWORKER],
        "reviewer": users[Role.REVIEWER],
        "finance": make_user(Role.FINANCE, "finance"),
        "finance2": make_user(Role.FINANCE, "finance2"),
    }
    created = seed_demo_data(
        rng=random.Random(1), today=date(2026, 3, 15), stdout=io.StringIO(), context=SimpleNamespace(users=demo_users)
    )
    # Four holders qualify for 慰问金: three paid in the approved January run, the last waits for its township check.
    assert created["once_paid"] >= 3 and created["once_waiting"] >= 1
    assert OncePayment.objects.filter(program=programs["holiday"]).count() == 3
    assert Application.objects.filter(program=programs["holiday"], status="submitted").count() == 1
    # The contributions enroll the severe and the poor, and this year's run pays them to the insurer.
    from subsidies.models import PaymentLine

    medical = PaymentLine.objects.filter(program=programs["medical"], run__status="approved")
    assert set(medical.values_list("payee_name", flat=True)) == {programs["medical"].payee_name}
    assert set(Enrollment.objects.filter(program__code="medical").values_list("person_id", flat=True)) == {
        severe.pk,
        *(p.pk for p in poor),
    }
