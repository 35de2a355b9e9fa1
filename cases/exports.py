"""XLSX export of a filtered person list: streamed from a server-side cursor into openpyxl's write-only mode."""

import tempfile

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from certificates.models import Category, Certificate, CertificateStatus, Generation, Grade

from .idnumber import mask_account, mask_id_number, mask_phone
from .models import PovertyStatus, Relation, Sex

FORMULA_PREFIXES = ("=", "+", "-", "@")
CHUNK = 2000


def _active_certificate(field: str):
    return Subquery(
        Certificate.objects.filter(person=OuterRef("pk"), status=CertificateStatus.ACTIVE).values(field)[:1]
    )


def _text_cell(sheet, value):
    """A cell that Excel shows as typed: text beginning with = + - @ is stored as a string, never a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    return cell


def person_export_rows(persons, *, reveal: bool):
    """The export's rows, one query with a server-side cursor (no per-person queries)."""
    labels = {
        "sex": dict(Sex.choices),
        "relation": dict(Relation.choices),
        "poverty": dict(PovertyStatus.choices),
        "category": dict(Category.choices),
        "grade": dict(Grade.choices),
        "generation": dict(Generation.choices),
    }
    mask = (lambda value: value or "") if reveal else None
    rows = (
        persons.order_by("pk")
        .annotate(
            cert_number=_active_certificate("number"),
            cert_category=_active_certificate("category"),
            cert_grade=_active_certificate("grade"),
            cert_generation=_active_certificate("generation"),
            cert_issue=_active_certificate("issue_date"),
            cert_expiry=_active_certificate("expiry_date"),
        )
        .values_list(
            "name",
            "sex",
            "birth_date",
            "id_number",
            "phone",
            "township__name",
            "village__name",
            "household__register_number",
            "relation_to_head",
            "cert_number",
            "cert_category",
            "cert_grade",
            "cert_generation",
            "cert_issue",
            "cert_expiry",
            "poverty_status",
            "household__is_multi_disability",
            "social_security_card",
            "bank_name",
            "death_date",
            "moved_out_date",
        )
        .iterator(chunk_size=CHUNK)
    )
    for (
        name,
        sex,
        birth,
        id_number,
        phone,
        township,
        village,
        register,
        relation,
        number,
        category,
        grade,
        generation,
        issued,
        expiry,
        poverty,
        multi,
        account,
        bank,
        death,
        moved,
    ) in rows:
        if death:
            state = _("死亡（%(date)s）") % {"date": death.isoformat()}
        elif moved:
            state = _("户籍迁出（%(date)s）") % {"date": moved.isoformat()}
        else:
            state = _("在册")
        yield [
            name,
            str(labels["sex"].get(sex, "")),
            birth,
            mask(id_number) if mask else mask_id_number(id_number),
            mask(phone) if mask else mask_phone(phone),
            township,
            village,
            register or "",
            str(labels["relation"].get(relation, "")),
            (mask(number) if mask else mask_id_number(number)) if number else "",
            str(labels["category"].get(category, "")),
            str(labels["grade"].get(grade, "")),
            str(labels["generation"].get(generation, "")),
            issued,
            expiry,
            str(labels["poverty"].get(poverty, "")),
            _("是") if multi else _("否"),
            mask(account) if mask else mask_account(account),
            bank,
            state,
        ]


def person_export_headers() -> list[str]:
    return [
        _("姓名"),
        _("性别"),
        _("出生日期"),
        _("身份证号"),
        _("联系电话"),
        _("乡镇(街道)"),
        _("村(社区)"),
        _("户籍编号"),
        _("与户主关系"),
        _("残疾人证号"),
        _("残疾类别"),
        _("残疾等级"),
        _("证件代别"),
        _("发证日期"),
        _("有效期至"),
        _("低保状态"),
        _("一户多残"),
        _("社保卡号"),
        _("开户银行"),
        _("状态"),
    ]


def person_export_xlsx(persons, *, reveal: bool = False):
    """Write the workbook to a temporary file and return it, rewound (the caller streams and closes it)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("残疾人名单"))
    sheet.column_dimensions["A"].width = 10
    for column in ("C", "N", "O"):
        sheet.column_dimensions[column].width = 12
    for column in ("D", "J"):
        sheet.column_dimensions[column].width = 24
    sheet.append(person_export_headers())
    for row in person_export_rows(persons, reveal=reveal):
        sheet.append(
            [
                _text_cell(sheet, value) if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) else value
                for value in row
            ]
        )
    output = tempfile.TemporaryFile()  # noqa: SIM115 - the response streams and closes it
    workbook.save(output)
    output.seek(0)
    return output
