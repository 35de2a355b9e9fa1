import io
import random
from datetime import date

import pytest

from rehab import demo
from rehab.models import DeviceFitting, Need, ServiceRecord, SurveyRecord
from rehab.selectors import rehab_indicators

pytestmark = pytest.mark.django_db


def test_seed_demo_data_creates_a_consistent_sample(make_person, township):
    for _ in range(40):
        make_person()
    make_person(birth=date(2024, 3, 1), certified=False)
    out = io.StringIO()
    counts = demo.seed_demo_data(rng=random.Random(7), today=date(2026, 11, 1), stdout=out)
    assert "rehab:" in out.getvalue()
    assert counts["survey_records"] == SurveyRecord.objects.count() > 0
    assert counts["needs"] == Need.objects.count()
    assert counts["service_records"] == ServiceRecord.objects.count()
    assert counts["child_rescues"] == 1
    # Every fitted device is in the ledger, and no fitting skipped its assessment.
    fitted = DeviceFitting.objects.filter(fitted_on__isnull=False)
    assert fitted.count() == ServiceRecord.objects.filter(fitting__isnull=False).count()
    assert not fitted.filter(assessed_on__isnull=True).exists()
    [row] = rehab_indicators(year=2026, township_id=township.pk)
    assert row["served_count"] <= row["need_count"]
    # Running it again is harmless.
    assert demo.seed_demo_data(rng=random.Random(7), today=date(2026, 11, 1), stdout=out) == {}
