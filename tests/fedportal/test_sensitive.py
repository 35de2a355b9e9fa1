"""The masking value type: what a template prints for each kind of user."""

from datetime import date

import pytest
from django.template import Context, Template

from fedportal.accounts.models import Role
from fedportal.core.sensitive import (
    ACCOUNT,
    CERTIFICATE,
    PHONE,
    MaskedPerson,
    age_on,
    mask,
    sensitive_for,
)
from tests.factories import PersonFactory

NUMBER = "360121195001018584"


def test_masks():
    assert mask(NUMBER) == "**************8584"
    assert mask(NUMBER, strict=False) == "3601**********8584"
    assert mask("13907911234", PHONE, strict=False) == "139****1234"
    assert mask("13907911234", PHONE) == "*******1234"
    assert mask("6217000011112222", ACCOUNT, strict=False) == "************2222"
    assert mask(NUMBER + "12", CERTIFICATE) == "**************858412"
    assert mask("") == "" and mask("123") == "***"


@pytest.mark.django_db
def test_a_template_prints_the_mask_unless_revealed(make_user):
    leader, caseworker = make_user(Role.LEADER), make_user(Role.CASEWORKER)
    template = Template("{{ value }}|{{ value.masked }}")
    assert template.render(Context({"value": sensitive_for(leader, NUMBER, reveal=True)})) == (
        "**************8584|**************8584"
    )
    assert template.render(Context({"value": sensitive_for(caseworker, NUMBER)})) == (
        "3601**********8584|3601**********8584"
    )
    assert template.render(Context({"value": sensitive_for(caseworker, NUMBER, reveal=True)})).startswith(NUMBER)
    assert sensitive_for(leader, NUMBER).reveal_value() == "**************8584"


@pytest.mark.django_db
def test_the_age_not_the_birth_date_for_roles_that_may_not_reveal(make_user, village):
    person = PersonFactory(village=village, township=village.township)
    leader_view = MaskedPerson(make_user(Role.LEADER), person)
    caseworker_view = MaskedPerson(make_user(Role.CASEWORKER), person)
    assert f"{person.birth_date:%Y-%m-%d}" not in leader_view.birth and "岁" in leader_view.birth
    assert caseworker_view.birth == f"{person.birth_date:%Y-%m-%d}"
    assert age_on(date(2000, 3, 1), date(2026, 2, 28)) == 25
    assert age_on(date(2000, 3, 1), date(2026, 3, 1)) == 26
