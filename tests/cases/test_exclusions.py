"""Exclusions as dated data: recording and ending them (authorized, audited), and the person page entry."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import ExclusionKind, PersonExclusion
from cases.services import exclusion_end, exclusion_record
from fedportal.accounts.models import Role
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(village):
    return PersonFactory(village=village)


def record(person, user, **kw):
    values = {"kind": ExclusionKind.PRISON, "start_date": date(2026, 3, 10), "source": "（2026）赣0121刑初12号"}
    values.update(kw)
    return exclusion_record(person=person, acting_user=user, **values)


def test_record_and_end(person, caseworker):
    exclusion = record(person, caseworker, note="判处有期徒刑一年")
    assert exclusion.end_date is None and exclusion.created_by == caseworker
    assert exclusion.in_force_on(date(2026, 3, 10)) and not exclusion.in_force_on(date(2026, 3, 9))
    ended = exclusion_end(exclusion=exclusion, end_date=date(2026, 9, 30), acting_user=caseworker, source="释放证明")
    assert ended.end_date == date(2026, 9, 30)
    assert ended.source == "（2026）赣0121刑初12号；释放证明"
    assert ended.in_force_on(date(2026, 9, 30)) and not ended.in_force_on(date(2026, 10, 1))


def test_every_kind_can_be_recorded(person, caseworker, programs):
    for index, kind in enumerate(ExclusionKind.values):
        extra = {"program_code": "nursing"} if kind == ExclusionKind.SIMILAR else {}
        record(person, caseworker, kind=kind, start_date=date(2026, 1, 1) + timedelta(days=index), **extra)
    assert person.exclusions.count() == len(ExclusionKind.values)


def test_similar_must_name_a_known_program(person, caseworker, programs):
    with pytest.raises(ValidationError) as error:
        record(person, caseworker, kind=ExclusionKind.SIMILAR)
    assert "program_code" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        record(person, caseworker, kind=ExclusionKind.SIMILAR, program_code="nosuch")
    assert "program_code" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        record(person, caseworker, kind=ExclusionKind.FRAUD, program_code="nursing")
    assert "program_code" in error.value.error_dict


def test_dates_and_source_are_checked(person, caseworker):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        record(person, caseworker, start_date=today + timedelta(days=1))
    assert "start_date" in error.value.error_dict
    record(person, caseworker, start_date=today)  # today itself is fine
    with pytest.raises(ValidationError) as error:
        record(person, caseworker, kind=ExclusionKind.FRAUD, end_date=date(2026, 3, 9))
    assert "end_date" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        record(person, caseworker, kind=ExclusionKind.FRAUD, source="  ")
    assert "source" in error.value.error_dict
    # A one-day period is allowed.
    record(person, caseworker, kind=ExclusionKind.FRAUD, start_date=date(2026, 1, 5), end_date=date(2026, 1, 5))


def test_periods_of_one_kind_never_overlap(person, caseworker, programs):
    first = record(person, caseworker, start_date=date(2026, 1, 1), end_date=date(2026, 1, 31))
    with pytest.raises(ValidationError):
        record(person, caseworker, start_date=date(2026, 1, 31))  # shares the last day
    record(person, caseworker, start_date=date(2026, 2, 1))  # the day after is fine
    with pytest.raises(ValidationError):
        record(person, caseworker, start_date=date(2025, 12, 1), end_date=date(2026, 1, 1))
    # Another kind, or 择高 of another program, may overlap.
    record(person, caseworker, kind=ExclusionKind.FRAUD, start_date=first.start_date)
    record(person, caseworker, kind=ExclusionKind.SIMILAR, program_code="nursing", start_date=date(2026, 1, 1))
    record(person, caseworker, kind=ExclusionKind.SIMILAR, program_code="living", start_date=date(2026, 1, 1))


def test_end_is_refused_twice_or_before_the_start(person, caseworker):
    exclusion = record(person, caseworker)
    with pytest.raises(ValidationError):
        exclusion_end(exclusion=exclusion, end_date=date(2026, 3, 9), acting_user=caseworker)
    exclusion_end(exclusion=exclusion, end_date=date(2026, 3, 10), acting_user=caseworker)
    with pytest.raises(ValidationError):
        exclusion_end(exclusion=exclusion, end_date=date(2026, 4, 1), acting_user=caseworker)


def test_only_county_casework_may_record(person, users, other_village):
    for role in (Role.LEADER, Role.FINANCE, Role.LIAISON):
        with pytest.raises(PermissionDenied):
            record(person, users[role])
    exclusion = record(person, users[Role.REVIEWER])
    with pytest.raises(PermissionDenied):
        exclusion_end(exclusion=exclusion, end_date=date(2026, 4, 1), acting_user=users[Role.LEADER])
    assert PersonExclusion.objects.count() == 1


def test_writes_are_audited(person, caseworker):
    exclusion = record(person, caseworker)
    exclusion_end(exclusion=exclusion, end_date=date(2026, 4, 1), acting_user=caseworker)
    events = PersonExclusion.pgh_event_model.objects.filter(pgh_obj_id=exclusion.pk).order_by("pgh_id")
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert events.last().end_date == date(2026, 4, 1)


def test_person_page_records_and_ends(client, person, caseworker, programs):
    client.force_login(caseworker)
    page = client.get(reverse("cases:person_detail", args=[person.pk]))
    assert "登记暂停/排除享受" in page.content.decode()
    form = client.get(reverse("cases:person_exclusion_add", args=[person.pk])).content.decode()
    assert 'type="date"' in form and 'value="nursing"' in form
    response = client.post(
        reverse("cases:person_exclusion_add", args=[person.pk]),
        {"kind": "similar", "program_code": "nursing", "start_date": "2026-02-01", "source": "人社局名单", "note": ""},
    )
    assert response.status_code == 302
    exclusion = person.exclusions.get()
    assert exclusion.program_code == "nursing" and exclusion.created_by == caseworker
    page = client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "择高享受同类补贴" in page and "不享受护理补贴" in page and "2026-02-01" in page and "生效中" in page
    end_url = reverse("cases:person_exclusion_end", args=[person.pk, exclusion.pk])
    assert end_url in page
    response = client.post(end_url, {"end_date": "2026-01-01", "source": "", "note": ""})
    assert response.status_code == 200 and "结束日期不能早于起始日期" in response.content.decode()
    assert client.post(end_url, {"end_date": "2026-05-31", "source": "", "note": ""}).status_code == 302
    exclusion.refresh_from_db()
    assert exclusion.end_date == date(2026, 5, 31)
    page = client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "已结束" in page and end_url not in page


def test_person_page_form_shows_service_errors(client, person, caseworker):
    client.force_login(caseworker)
    response = client.post(
        reverse("cases:person_exclusion_add", args=[person.pk]),
        {"kind": "similar", "program_code": "", "start_date": "2026-02-01", "source": "x"},
    )
    assert response.status_code == 200 and "择高须写明不再享受的补贴项目" in response.content.decode()
    assert not person.exclusions.exists()


def test_liaison_cannot_open_the_form(client, person, liaison):
    client.force_login(liaison)
    assert client.get(reverse("cases:person_exclusion_add", args=[person.pk])).status_code == 403
