from datetime import date, timedelta

import pytest

from cases.services import person_create
from certificates.services import assessment_record, assessment_review
from fedportal.accounts.models import Role
from fedportal.core.clock import local_today
from tests.factories import make_id_number


@pytest.fixture
def reviewer(users):
    return users[Role.REVIEWER]


@pytest.fixture
def person(village, caseworker):
    return person_create(
        id_number=make_id_number(birth=date(1970, 11, 21), sequence=6),
        name="张三",
        village=village,
        phone="13900001111",
        acting_user=caseworker,
    )


@pytest.fixture
def make_assessment(caseworker, reviewer):
    """A reviewed assessment (notice run, county review done) `days_ago` days back."""

    def make(person, *, category=4, grade=2, components=(), days_ago=30, reviewed=True):
        assessed_on = local_today() - timedelta(days=days_ago)
        assessment = assessment_record(
            person=person,
            hospital="县人民医院",
            assessor="李医生",
            assessed_on=assessed_on,
            category=category,
            grade=grade if category != 7 else None,
            components=components,
            notice_start=assessed_on,
            acting_user=caseworker,
        )
        if reviewed:
            assessment = assessment_review(
                assessment=assessment, reviewed_on=assessment.notice_end + timedelta(days=1), acting_user=reviewer
            )
        return assessment

    return make
