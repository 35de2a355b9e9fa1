"""The year's figures are computed from the records: a small county built by hand, every figure checked."""

from datetime import date
from decimal import Decimal

import pytest

from community import services
from community.models import SuspectedStatus
from community.selectors import community_figures
from tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

YEAR = 2025
START, END = date(YEAR, 1, 1), date(YEAR, 12, 31)


@pytest.fixture
def county(caseworker, township, other_township, village, other_village):
    household = HouseholdFactory(village=village, township=township)
    a1 = PersonFactory(village=village, township=township, household=household)
    a2 = PersonFactory(village=village, township=township, household=household)  # same household as a1
    a3 = PersonFactory(village=village, township=township)  # no household register
    b1 = PersonFactory(village=other_village, township=other_township)
    cw = caseworker

    county_session = services.training_session_create(
        title="县级培训",
        kind="vocational",
        township=None,
        start_date=date(YEAR, 3, 1),
        end_date=date(YEAR, 3, 3),
        acting_user=cw,
    )
    township_session = services.training_session_create(
        title="乡镇培训",
        kind="agriculture",
        township=township,
        start_date=date(YEAR, 5, 1),
        end_date=date(YEAR, 5, 2),
        acting_user=cw,
    )
    services.training_session_create(  # last year: not counted
        title="旧培训",
        kind="other",
        township=None,
        start_date=date(YEAR - 1, 5, 1),
        end_date=date(YEAR - 1, 5, 2),
        acting_user=cw,
    )
    for person in (a1, a2, b1):
        services.training_attendance_add(session=county_session, person=person, acting_user=cw)
    services.training_attendance_add(session=township_session, person=a1, acting_user=cw)

    fair = services.job_fair_create(
        title="招聘会", township=None, held_on=date(YEAR, 4, 1), positions=120, acting_user=cw
    )
    r1 = services.job_referral_create(
        person=a1, employer="甲厂", referred_on=date(YEAR, 4, 2), job_fair=fair, acting_user=cw
    )
    services.job_referral_create(person=b1, employer="乙厂", referred_on=date(YEAR, 4, 3), acting_user=cw)
    services.job_referral_place(referral=r1, placed_on=date(YEAR, 5, 1), acting_user=cw)

    for person, cash, goods in ((a1, "500", "0"), (a2, "500", "150"), (a3, "300", "0"), (b1, "800", "150")):
        services.relief_visit_create(
            person=person,
            occasion="spring_festival",
            visited_on=date(YEAR, 1, 20),
            cash=Decimal(cash),
            goods_value=Decimal(goods),
            goods="大米" if goods != "0" else "",
            fund_source="federation",
            acting_user=cw,
        )
    case = services.legal_case_open(
        person=a3, kind="legal_aid", opened_on=date(YEAR, 6, 1), subject="欠薪", acting_user=cw
    )
    services.legal_case_open(person=b1, kind="complaint", opened_on=date(YEAR, 6, 2), subject="投诉", acting_user=cw)
    services.legal_case_close(case=case, closed_on=date(YEAR, 7, 1), outcome="已解决", acting_user=cw)

    event = services.culture_event_create(
        title="助残日汇演",
        kind="culture",
        township=None,
        held_on=date(YEAR, 5, 18),
        other_participants=30,
        acting_user=cw,
    )
    for person in (a1, b1):
        services.event_participant_add(event=event, person=person, acting_user=cw)

    services.screening_tally_record(
        township=township,
        month=date(YEAR, 2, 1),
        first_screens=200,
        rescreens=12,
        diagnoses=3,
        referrals=2,
        acting_user=cw,
    )
    services.screening_tally_record(
        township=other_township,
        month=date(YEAR, 3, 1),
        first_screens=100,
        rescreens=5,
        diagnoses=1,
        referrals=1,
        acting_user=cw,
    )
    report = services.suspected_report_create(
        name="疑似甲",
        township=township,
        reported_on=date(YEAR, 8, 1),
        source="村委会",
        suspected_category=4,
        acting_user=cw,
    )
    services.suspected_report_resolve(
        report=report, status=SuspectedStatus.REFERRED, resolved_on=date(YEAR, 8, 10), person=a3, acting_user=cw
    )
    return locals()


def test_county_figures(county, caseworker):
    f = community_figures(user=caseworker, start=START, end=END)
    assert f["training_sessions"] == 2
    assert f["training_person_times"] == 4
    assert f["training_persons"] == 3
    assert f["job_fairs"] == 1 and f["job_fair_positions"] == 120
    assert f["referrals"] == 2 and f["placements"] == 1
    assert f["relief_visits"] == 4
    assert f["relief_households"] == 3  # a1 and a2 share one register; a3 and b1 count as their own
    assert f["relief_cash"] == Decimal("2100.00") and f["relief_goods"] == Decimal("300.00")
    assert f["legal_cases"] == 2 and f["legal_aid_cases"] == 1 and f["complaints"] == 1 and f["cases_closed"] == 1
    assert f["culture_events"] == 1 and f["culture_participant_times"] == 32
    assert (f["screening_first_screens"], f["screening_rescreens"], f["screening_diagnoses"]) == (300, 17, 4)
    assert f["screening_referrals"] == 3
    assert f["suspected_reports"] == 1 and f["suspected_referred"] == 1


def test_liaison_figures_cover_their_township_only(county, liaison):
    f = community_figures(user=liaison, start=START, end=END)
    assert f["training_sessions"] == 2  # the county-wide session is visible; its people from township B are not
    assert f["training_person_times"] == 3
    assert f["referrals"] == 1 and f["placements"] == 1
    assert f["relief_visits"] == 3 and f["relief_households"] == 2
    assert f["relief_cash"] == Decimal("1300.00")
    assert f["legal_cases"] == 1
    assert f["culture_participant_times"] == 31
    assert f["screening_first_screens"] == 200
