"""XLSX export of a filtered person list: streamed from a server-side cursor into openpyxl's write-only mode.

A county-wide export (200,000 persons) is too long for a request, so the view only starts a background job
(`person_export_start`); the job (cases/jobs.py) re-applies the user's scope and filters and calls
`person_export_xlsx`.
"""

import tempfile
from collections.abc import Callable
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import QueryDict
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from fedportal.accounts.permissions import Perm, has_perm, township_scope
from fedportal.audit.models import SensitiveField
from fedportal.audit.services import sensitive_access_record
from fedportal.core.sensitive import ACCOUNT, ID_NUMBER, PHONE
from fedportal.core.sensitive import mask as mask_value
from fedportal.core.spreadsheets import is_formula_like, write_header
from fedportal.jobs.services import job_create

from . import hooks
from .disability import Category, Generation, Grade
from .filters import PersonFilter
from .models import PovertyStatus, Relation, Sex, Township
from .selectors import person_list_for_user

CHUNK = 2000
PROGRESS_EVERY = 5000  # rows between two progress reports of the export job
EXPORT_JOB_KIND = "cases.person_export"


def _active_certificate(field: str):
    return Subquery(hooks.certificate_queries().active(person=OuterRef("pk")).values(field)[:1])


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
            mask(id_number) if mask else mask_value(id_number, ID_NUMBER, strict=False),
            mask(phone) if mask else mask_value(phone, PHONE, strict=False),
            township,
            village,
            register or "",
            str(labels["relation"].get(relation, "")),
            (mask(number) if mask else mask_value(number[:18], ID_NUMBER, strict=False) + number[18:])
            if number
            else "",
            str(labels["category"].get(category, "")),
            str(labels["grade"].get(grade, "")),
            str(labels["generation"].get(generation, "")),
            issued,
            expiry,
            str(labels["poverty"].get(poverty, "")),
            _("是") if multi else _("否"),
            mask(account) if mask else mask_value(account, ACCOUNT, strict=False),
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


def person_export_xlsx(persons, *, reveal: bool = False, progress: Callable[[int], None] | None = None):
    """Write the workbook to a temporary file and return it, rewound (the caller streams and closes it).

    `progress(rows_written)` is called every PROGRESS_EVERY rows and once at the end.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("残疾人名单"))
    sheet.column_dimensions["A"].width = 10
    for column in ("C", "N", "O"):
        sheet.column_dimensions[column].width = 12
    for column in ("D", "J"):
        sheet.column_dimensions[column].width = 24
    write_header(sheet, person_export_headers())
    written = 0
    for row in person_export_rows(persons, reveal=reveal):
        sheet.append([_text_cell(sheet, value) if is_formula_like(value) else value for value in row])
        written += 1
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    if progress is not None:
        progress(written)
    output = tempfile.TemporaryFile()  # noqa: SIM115 - the response streams and closes it
    workbook.save(output)
    output.seek(0)
    return output


def person_export_filters(query) -> dict[str, list[str]]:
    """The list's filter parameters (a QueryDict) as plain JSON for job.params; the page number is dropped."""
    return {key: [str(value) for value in query.getlist(key)] for key in query if key != "page"}


def _filters_query(filters: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in filters.items():
        query.setlist(key, values)
    return query


def person_export_queryset(user, filters: dict[str, list[str]]):
    """The persons the user may export: their scope first (person_list_for_user), then the list's own filterset.

    A forged township/village id is outside the filter's choices and so ignored; the scope applies regardless.
    """
    query = _filters_query(filters)
    person_filter = PersonFilter(
        query or None, queryset=person_list_for_user(user=user), request=SimpleNamespace(user=user)
    )
    return person_filter.qs


def person_export_start(*, acting_user, filters: dict[str, list[str]], reveal: bool, request=None):
    """Start the background export of the filtered list; a full-number export is logged now (who, what filter)."""
    if not has_perm(acting_user, Perm.PERSON_EXPORT):
        raise PermissionDenied
    reveal = bool(reveal) and has_perm(acting_user, Perm.PERSON_REVEAL)
    scope = township_scope(acting_user)
    township = Township.objects.filter(pk=scope).first() if scope is not None else None
    with transaction.atomic():
        job = job_create(
            kind=EXPORT_JOB_KIND,
            acting_user=acting_user,
            params={"filters": filters, "reveal": reveal},
            township=township,
        )
        if reveal:
            sensitive_access_record(
                user=acting_user,
                field=SensitiveField.EXPORT,
                detail=_("导出残疾人名单（任务 #%(job)s）：%(q)s")
                % {"job": job.pk, "q": _filters_query(filters).urlencode() or _("全部")},
                request=request,
            )
    return job
