"""Factories for tests: valid ID numbers, certificate numbers that match them, realistic registry rows."""

from datetime import date, timedelta

import factory
from django.contrib.auth import get_user_model

from cases.models import Household, Person, PovertyRecord, PovertyStatus, Township, Village
from certificates.models import Certificate, CertificateStatus, Generation
from fedportal.accounts.models import Role
from fedportal.idnumber import check_character

TEST_PASSWORD = "Test-Password-2026!"


def make_id_number(
    *, area: str = "360121", birth: date = date(1970, 11, 21), sequence: int = 1, female: bool = False
) -> str:
    """A valid 18-character ID number; the 17th digit's parity gives the sex."""
    seq = sequence % 500 * 2 + (0 if female else 1)
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_character(first17)


def certificate_number(id_number: str, category: int, grade: int) -> str:
    return f"{id_number}{category}{grade}"


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"3601210{n:02d}")
    name = factory.Sequence(lambda n: f"测试乡{n}")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    township = factory.SubFactory(TownshipFactory)
    code = factory.Sequence(lambda n: f"36012199{n:04d}")
    name = factory.Sequence(lambda n: f"测试村{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.CASEWORKER
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    register_number = factory.Sequence(lambda n: f"HH{n:08d}")
    village = factory.SubFactory(VillageFactory)
    township = factory.LazyAttribute(lambda o: o.village.township)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    id_number = factory.Sequence(
        lambda n: make_id_number(birth=date(1950, 1, 1) + timedelta(days=n * 37 % 20000), sequence=n)
    )
    name = factory.Sequence(lambda n: f"测试人{n}")
    village = factory.SubFactory(VillageFactory)
    township = factory.LazyAttribute(lambda o: o.village.township)
    sex = factory.LazyAttribute(lambda o: "M" if int(o.id_number[16]) % 2 else "F")
    birth_date = factory.LazyAttribute(
        lambda o: date(int(o.id_number[6:10]), int(o.id_number[10:12]), int(o.id_number[12:14]))
    )
    phone = factory.Sequence(lambda n: f"139{n:08d}")


class PovertyRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PovertyRecord

    person = factory.SubFactory(PersonFactory)
    status = PovertyStatus.DIBAO
    start_date = date(2015, 1, 1)


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    person = factory.SubFactory(PersonFactory)
    category = 4
    grade = 2
    generation = Generation.THIRD
    number = factory.LazyAttribute(lambda o: certificate_number(o.person.id_number, o.category, o.grade))
    issue_date = date(2020, 1, 1)
    expiry_date = factory.LazyAttribute(lambda o: o.issue_date.replace(year=o.issue_date.year + 10) - timedelta(days=1))
    status = CertificateStatus.ACTIVE


def _ten_years(issue: date) -> date:
    try:
        return issue.replace(year=issue.year + 10) - timedelta(days=1)
    except ValueError:  # issued on 29 February
        return date(issue.year + 10, 2, 28)


class HolderFactory(PersonFactory):
    """A person holding one certificate of a given category and grade, with a poverty record when they have a status.

    `HolderFactory(category=5, grade=1)`, `HolderFactory(poverty=PovertyStatus.DIBAO)`,
    `HolderFactory(issue=date(2024, 12, 2))`, `HolderFactory(certificate=False)` (registered, no card yet).
    """

    class Meta:
        skip_postgeneration_save = True

    class Params:
        category = 4
        grade = 2
        generation = Generation.THIRD
        issue = date(2020, 1, 1)
        expiry = None
        certificate = True
        poverty = None
        poverty_start = date(2015, 1, 1)
        poverty_end = None

    poverty_status = factory.LazyAttribute(lambda o: o.poverty or PovertyStatus.NONE)
    held_certificate = factory.Maybe(
        "certificate",
        yes_declaration=factory.RelatedFactory(
            CertificateFactory,
            factory_related_name="person",
            category=factory.SelfAttribute("..category"),
            grade=factory.SelfAttribute("..grade"),
            generation=factory.SelfAttribute("..generation"),
            issue_date=factory.SelfAttribute("..issue"),
            expiry_date=factory.LazyAttribute(lambda o: o.factory_parent.expiry or _ten_years(o.factory_parent.issue)),
        ),
    )
    poverty_record = factory.Maybe(
        factory.LazyAttribute(lambda o: bool(o.poverty)),
        yes_declaration=factory.RelatedFactory(
            PovertyRecordFactory,
            factory_related_name="person",
            status=factory.SelfAttribute("..poverty"),
            start_date=factory.SelfAttribute("..poverty_start"),
            end_date=factory.SelfAttribute("..poverty_end"),
        ),
    )


class MultiHouseholdFactory(HouseholdFactory):
    """A household whose members hold a valid card (`members=3`; default two: 一户多残), the first its head.

    The flag is derived, not set: call `household_refresh_multi_flags` (or a service) to see it.
    """

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if not create:
            return
        for index in range(2 if extracted is None else extracted):
            HolderFactory(
                village=obj.village, household=obj, relation_to_head="head" if index == 0 else "child", **kwargs
            )
