from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rehab.models import DeviceFitting, FittingStatus, NeedStatus, ServiceRecord
from rehab.services import fitting_assess, fitting_fit, fitting_follow_up, fitting_from_need, fitting_start, need_create

pytestmark = pytest.mark.django_db


def test_fitting_that_skips_assessment_is_refused(person, supplier, caseworker):
    fitting = fitting_start(person=person, device_type="wheelchair", acting_user=caseworker)
    with pytest.raises(ValidationError) as error:
        fitting_fit(fitting=fitting, fitted_on=date(2026, 3, 1), supplier=supplier, acting_user=caseworker)
    assert "尚未完成适配评估" in str(error.value)
    fitting.refresh_from_db()
    assert fitting.status == FittingStatus.ASSESSING
    assert not ServiceRecord.objects.exists()


def test_database_refuses_a_fitting_without_assessment(person, caseworker):
    fitting = fitting_start(person=person, device_type="crutch", acting_user=caseworker)
    with pytest.raises(IntegrityError), transaction.atomic():
        DeviceFitting.objects.filter(pk=fitting.pk).update(fitted_on=date(2026, 1, 1))


def test_need_to_assessment_to_fitting_to_follow_up(person, supplier, caseworker):
    need = need_create(
        person=person,
        need_type="device",
        device_type="wheelchair",
        recorded_on=date(2026, 2, 1),
        acting_user=caseworker,
    )
    fitting = fitting_from_need(need=need, acting_user=caseworker)
    need.refresh_from_db()
    assert need.status == NeedStatus.IN_PROGRESS
    fitting_assess(fitting=fitting, assessed_on=date(2026, 2, 10), assessor="县辅具中心 王医师", acting_user=caseworker)
    fitting_fit(
        fitting=fitting,
        fitted_on=date(2026, 2, 20),
        supplier=supplier,
        device_model="手动轮椅 A1",
        acting_user=caseworker,
    )
    fitting.refresh_from_db()
    assert fitting.cost == Decimal("1200.00") and fitting.subsidy == Decimal("1000.00")  # the wheelchair price item
    assert fitting.replacement_date == date(2031, 2, 20)
    record = ServiceRecord.objects.get(fitting=fitting)
    assert record.service_type == "device" and record.provider == supplier and record.need == need
    need.refresh_from_db()
    assert need.status == NeedStatus.MET and need.met_on == date(2026, 2, 20)
    fitting_follow_up(fitting=fitting, followup_on=date(2026, 3, 20), result="使用良好", acting_user=caseworker)
    fitting.refresh_from_db()
    assert fitting.status == FittingStatus.CLOSED


def test_fitting_before_assessment_date_is_refused(person, supplier, caseworker):
    fitting = fitting_start(person=person, device_type="walker", acting_user=caseworker)
    fitting_assess(fitting=fitting, assessed_on=date(2026, 2, 10), assessor="评估员", acting_user=caseworker)
    with pytest.raises(ValidationError):
        fitting_fit(fitting=fitting, fitted_on=date(2026, 2, 9), supplier=supplier, acting_user=caseworker)


def test_follow_up_needs_a_fitting(person, caseworker):
    fitting = fitting_start(person=person, device_type="walker", acting_user=caseworker)
    with pytest.raises(ValidationError):
        fitting_follow_up(fitting=fitting, followup_on=date(2026, 2, 9), result="x", acting_user=caseworker)
