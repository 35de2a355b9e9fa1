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
