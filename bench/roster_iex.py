"""django-import-export Resource for the persons roster, as a Django developer would write it (benchmark only).

Same validations as the roster services where the tool allows (ID number, certificate number, dates, villages),
same writes: person (upsert by ID number), household (get or create), active certificate + lifecycle event,
poverty record. Default mode writes row by row; `bulk=True` uses use_bulk + skip_diff + force_init_instance and
writes the dependent rows in bulk after the import.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields, resources, widgets

from cases.disability import check_certificate_number
from cases.models import Household, Person, PovertyRecord, Township, Village
from cases.rosters.schema import vocabularies
from certificates.models import Certificate, CertificateLifecycleEvent
from fedportal.core.clock import local_today
from fedportal.idnumber import parse_id_number

VOCAB = None


def _vocab():
    global VOCAB
    if VOCAB is None:
        VOCAB = vocabularies()
    return VOCAB


def _date(value):
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


class ChoiceWidget(widgets.Widget):
    def __init__(self, column, **kwargs):
        super().__init__(**kwargs)
        self.column = column

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return _vocab()[self.column][str(value).strip()]
        except KeyError:
            raise ValueError(f"“{value}”不是有效的{self.column}") from None


class VillageWidget(widgets.ForeignKeyWidget):
    def clean(self, value, row=None, **kwargs):
        township = Township.objects.get(name=row["乡镇(街道)"])
        return Village.objects.get(township=township, name=str(value).strip())


class PersonRosterResource(resources.ModelResource):
    name = fields.Field(attribute="name", column_name="姓名")
    id_number = fields.Field(attribute="id_number", column_name="身份证号")
    ethnicity = fields.Field(attribute="ethnicity", column_name="民族")
    phone = fields.Field(attribute="phone", column_name="联系电话")
    township = fields.Field(
        attribute="township", column_name="乡镇(街道)", widget=widgets.ForeignKeyWidget(Township, "name")
    )
    village = fields.Field(attribute="village", column_name="村(社区)", widget=VillageWidget(Village, "name"))
    relation_to_head = fields.Field(
        attribute="relation_to_head", column_name="与户主关系", widget=ChoiceWidget("与户主关系")
    )
    education_stage = fields.Field(attribute="education_stage", column_name="在校学段", widget=ChoiceWidget("在校学段"))
    poverty_status = fields.Field(attribute="poverty_status", column_name="低保状态", widget=ChoiceWidget("低保状态"))
    social_security_card = fields.Field(attribute="social_security_card", column_name="社保卡号")
    bank_name = fields.Field(attribute="bank_name", column_name="开户银行")

    class Meta:
        model = Person
        import_id_fields = ("id_number",)
        fields = (
            "name",
            "id_number",
            "ethnicity",
            "phone",
            "township",
            "village",
            "relation_to_head",
            "education_stage",
            "poverty_status",
            "social_security_card",
            "bank_name",
        )
        skip_unchanged = True
        report_skipped = True

    def __init__(self, bulk: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.bulk = bulk
        if bulk:
            self._meta.use_bulk = True
            self._meta.batch_size = 1000
            self._meta.skip_diff = True
            self._meta.force_init_instance = True
        self.pending = {}

    def before_import_row(self, row, **kwargs):
        info = parse_id_number(row["身份证号"])
        row["身份证号"] = info.number
        row["_sex"], row["_birth"] = info.sex, info.birth_date
        card = str(row.get("残疾人证号") or "").strip()
        if card:
            category = _vocab()["残疾类别"][row["残疾类别"]]
            grade = _vocab()["残疾等级"][row["残疾等级"]]
            number = check_certificate_number(card, id_number=info.number, category=category, grade=grade)
            issue, expiry = _date(row["发证日期"]), _date(row["有效期至"])
            if issue > local_today():
                raise ValidationError("发证日期晚于今天")
            if expiry <= issue:
                raise ValidationError("有效期至应晚于发证日期")
            row["_card"] = (number, category, grade, _vocab()["证件代别"][row["证件代别"]], issue, expiry)
        start = row.get("低保起始日期")
        row["_poverty_start"] = _date(start) if start else local_today()
        household, _ = Household.objects.get_or_create(
            register_number=str(row["户籍编号"]).strip(),
            defaults={
                "township": Township.objects.get(name=row["乡镇(街道)"]),
                "village": VillageWidget(Village, "name").clean(row["村(社区)"], row=row),
            },
        )
        row["_household"] = household

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.sex, instance.birth_date, instance.household = row["_sex"], row["_birth"], row["_household"]
        self.pending[row["身份证号"]] = (row.get("_card"), row.get("低保状态"), row["_poverty_start"])

    def after_save_instance(self, instance, row, **kwargs):
        if self.bulk or kwargs.get("dry_run"):
            return
        self._dependents([instance])

    def after_import(self, dataset, result, **kwargs):
        if self.bulk and not kwargs.get("dry_run"):
            persons = list(Person.objects.filter(id_number__in=list(self.pending)))
            self._dependents(persons, bulk=True)

    def _dependents(self, persons, bulk=False):
        today = local_today()
        active = {c.person_id: c for c in Certificate.objects.filter(person__in=persons, status="active")}
        open_records = {r.person_id: r for r in PovertyRecord.objects.filter(person__in=persons, end_date__isnull=True)}
        new_cards, events, new_records = [], [], []
        for person in persons:
            card, status, start = self.pending.get(person.id_number, (None, None, None))
            if card:
                current = active.get(person.pk)
                values = dict(
                    zip(("number", "category", "grade", "generation", "issue_date", "expiry_date"), card, strict=True)
                )
                if current is None:
                    current = Certificate(person=person, **values)
                    if bulk:
                        new_cards.append(current)
                    else:
                        current.save()
                        CertificateLifecycleEvent.objects.create(
                            person=person, certificate=current, kind="import", event_date=today
                        )
                else:
                    for key, value in values.items():
                        setattr(current, key, value)
                    current.save()
                    events.append(
                        CertificateLifecycleEvent(person=person, certificate=current, kind="import", event_date=today)
                    )
            status = _vocab()["低保状态"].get(status or "")
            current_record = open_records.get(person.pk)
            if status and (current_record.status if current_record else "none") != status:
                if current_record:
                    current_record.end_date = start
                    current_record.save()
                if status != "none":
                    record = PovertyRecord(person=person, status=status, start_date=start, source="iex")
                    if bulk:
                        new_records.append(record)
                    else:
                        record.save()
        if bulk:
            Certificate.objects.bulk_create(new_cards, batch_size=1000)
            events += [
                CertificateLifecycleEvent(
                    person_id=c.person_id, certificate=c, kind="import", event_date=today, created_at=timezone.now()
                )
                for c in new_cards
            ]
            CertificateLifecycleEvent.objects.bulk_create(events, batch_size=1000)
            PovertyRecord.objects.bulk_create(new_records, batch_size=1000)
        elif events:
            for event in events:
                event.save()
