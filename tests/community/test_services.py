"""Rules, scope and audit of the community services."""

from datetime import timedelta
from decimal import Decimal

import pghistory
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pghistory.models import Events

from community import services
from community.models import CaseStatus, LegalCase, ScreeningTally, SuspectedStatus, TrainingAttendance
from fedportal.accounts.models import Role

pytestmark = pytest.mark.django_db


def _session(user, township, day):
    return services.training_session_create(
        title="电商培训",
        kind="entrepreneurship",
        township=township,
        start_date=day,
        end_date=day + timedelta(days=2),
        acting_user=user,
    )


def test_training_attendance_once_per_person(caseworker, township, person, last_year):
    session = _session(caseworker, township, last_year)
    services.training_attendance_add(session=session, person=person, acting_user=caseworker)
    with pytest.raises(ValidationError, match="已在本期学员名单中"):
        services.training_attendance_add(session=session, person=person, acting_user=caseworker)
    assert TrainingAttendance.objects.filter(session=session).count() == 1


def test_a_person_who_died_before_the_session_cannot_attend(caseworker, township, person, last_year):
    person.death_date = last_year - timedelta(days=1)
    person.save()
    session = _session(caseworker, township, last_year)
    with pytest.raises(ValidationError, match="死亡"):
        services.training_attendance_add(session=session, person=person, acting_user=caseworker)


def test_liaison_writes_only_for_own_township(
    liaison, caseworker, township, other_township, person, other_person, last_year
):
    # Their own township: allowed; another township or the whole county: refused.
    _session(liaison, township, last_year)
    with pytest.raises(PermissionDenied):
        _session(liaison, other_township, last_year)
    with pytest.raises(PermissionDenied):
        _session(liaison, None, last_year)
    with pytest.raises(PermissionDenied):
        services.relief_visit_create(
            person=other_person,
            occasion="spring_festival",
            visited_on=last_year,
            cash=Decimal("500"),
            fund_source="federation",
            acting_user=liaison,
        )
    # A county-wide session made by the county: a liaison may add their own people, not another township's.
    county = _session(caseworker, None, last_year)
    services.training_attendance_add(session=county, person=person, acting_user=liaison)
    with pytest.raises(PermissionDenied):
        services.training_attendance_add(session=county, person=other_person, acting_user=liaison)


@pytest.mark.parametrize("role", [Role.LEADER, Role.FINANCE])
def test_roles_without_the_capability_are_refused(users, role, township, person, last_year):
    user = users[role]
    with pytest.raises(PermissionDenied):
        services.relief_visit_create(
            person=person,
            occasion="spring_festival",
            visited_on=last_year,
            cash=Decimal("500"),
            fund_source="federation",
            acting_user=user,
        )
    with pytest.raises(PermissionDenied):
        services.screening_tally_record(
            township=township,
            month=last_year,
            first_screens=1,
            rescreens=0,
            diagnoses=0,
            referrals=0,
            acting_user=user,
        )


def test_relief_visit_needs_money_or_goods_and_names_goods(caseworker, person, last_year):
    with pytest.raises(ValidationError, match="慰问金或物资"):
        services.relief_visit_create(
            person=person,
            occasion="spring_festival",
            visited_on=last_year,
            fund_source="federation",
            acting_user=caseworker,
        )
    with pytest.raises(ValidationError, match="写明物资"):
        services.relief_visit_create(
            person=person,
            occasion="spring_festival",
            visited_on=last_year,
            goods_value=Decimal("100"),
            fund_source="federation",
            acting_user=caseworker,
        )
    visit = services.relief_visit_create(
        person=person,
        occasion="spring_festival",
        visited_on=last_year,
        cash=Decimal("300"),
        goods_value=Decimal("100"),
        goods="大米",
        fund_source="donation",
        acting_user=caseworker,
    )
    assert visit.created_by == caseworker


def test_dates_in_the_future_are_refused(caseworker, person, today):
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.relief_visit_create(
            person=person,
            occasion="other",
            visited_on=today + timedelta(days=1),
            cash=Decimal("100"),
            fund_source="federation",
            acting_user=caseworker,
        )


def test_referral_then_placement(caseworker, person, last_year):
    referral = services.job_referral_create(
        person=person, employer="福利厂", referred_on=last_year, acting_user=caseworker
    )
    with pytest.raises(ValidationError, match="不能早于推荐日期"):
        services.job_referral_place(referral=referral, placed_on=last_year - timedelta(days=1), acting_user=caseworker)
    services.job_referral_place(referral=referral, placed_on=last_year + timedelta(days=10), acting_user=caseworker)
    with pytest.raises(ValidationError, match="已登记就业"):
        services.job_referral_place(referral=referral, placed_on=last_year + timedelta(days=11), acting_user=caseworker)


def test_legal_case_closes_once_with_an_outcome(caseworker, person, last_year):
    case = services.legal_case_open(
        person=person, kind="legal_aid", opened_on=last_year, subject="欠薪", acting_user=caseworker
    )
    with pytest.raises(ValidationError, match="办理结果"):
        services.legal_case_close(case=case, closed_on=last_year, outcome=" ", acting_user=caseworker)
    services.legal_case_close(
        case=case, closed_on=last_year + timedelta(days=5), outcome="已追回", acting_user=caseworker
    )
    assert LegalCase.objects.get().status == CaseStatus.CLOSED
    with pytest.raises(ValidationError, match="已办结"):
        services.legal_case_close(
            case=case, closed_on=last_year + timedelta(days=6), outcome="x", acting_user=caseworker
        )


def test_workshop_worker_once_while_employed(caseworker, township, person, last_year):
    workshop = services.workshop_create(
        name="阳光家园", township=township, opened_on=last_year - timedelta(days=100), acting_user=caseworker
    )
    worker = services.workshop_worker_add(
        workshop=workshop, person=person, start_date=last_year, acting_user=caseworker
    )
    with pytest.raises(ValidationError, match="已在该机构就业"):
        services.workshop_worker_add(workshop=workshop, person=person, start_date=last_year, acting_user=caseworker)
    services.workshop_worker_leave(worker=worker, end_date=last_year + timedelta(days=30), acting_user=caseworker)
    # After leaving, the person may be employed again.
    services.workshop_worker_add(
        workshop=workshop, person=person, start_date=last_year + timedelta(days=40), acting_user=caseworker
    )


def test_screening_tally_is_a_funnel_and_is_corrected_in_place(caseworker, township, last_year):
    with pytest.raises(ValidationError, match="初筛 ≥ 复筛"):
        services.screening_tally_record(
            township=township,
            month=last_year,
            first_screens=10,
            rescreens=20,
            diagnoses=0,
            referrals=0,
            acting_user=caseworker,
        )
    services.screening_tally_record(
        township=township,
        month=last_year,
        first_screens=100,
        rescreens=8,
        diagnoses=2,
        referrals=1,
        acting_user=caseworker,
    )
    tally = services.screening_tally_record(
        township=township,
        month=last_year,
        first_screens=120,
        rescreens=8,
        diagnoses=2,
        referrals=2,
        acting_user=caseworker,
    )
    assert ScreeningTally.objects.count() == 1
    assert tally.month == last_year.replace(day=1) and tally.first_screens == 120


def test_suspected_report_referred_needs_a_registered_person(caseworker, township, person, last_year):
    report = services.suspected_report_create(
        name="王五",
        township=township,
        reported_on=last_year,
        source="卫生院",
        suspected_category=5,
        acting_user=caseworker,
    )
    with pytest.raises(ValidationError, match="先登记该人员"):
        services.suspected_report_resolve(
            report=report, status=SuspectedStatus.REFERRED, resolved_on=last_year, acting_user=caseworker
        )
    services.suspected_report_resolve(
        report=report, status=SuspectedStatus.REFERRED, resolved_on=last_year, person=person, acting_user=caseworker
    )
    report.refresh_from_db()
    assert report.person == person and report.status == SuspectedStatus.REFERRED


def test_every_write_is_audited_with_its_actor(caseworker, person, last_year):
    with pghistory.context(user=caseworker.pk, url="/community/relief/new/"):
        visit = services.relief_visit_create(
            person=person,
            occasion="help_day",
            visited_on=last_year,
            cash=Decimal("200"),
            fund_source="finance",
            acting_user=caseworker,
        )
    events = list(Events.objects.tracks(visit))
    assert [e.pgh_label for e in events] == ["insert"]
    assert events[0].pgh_context["user"] == caseworker.pk
