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
    assert set(Enrollment.objects.values_list("person_id", "program__code")) == {
        (nursing.pk, "nursing"),
        (living.pk, "living"),
    }
    assert seed_demo_data(rng=random.Random(1), today=date(2026, 3, 15), stdout=out)["nursing"] == 0
