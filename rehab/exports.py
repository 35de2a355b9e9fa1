"""XLSX exports of rehabilitation records: openpyxl write-only, rows streamed from a server-side cursor.

Every text cell that a spreadsheet would read as a formula is written as text (no formula injection).
"""

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from fedportal.accounts.permissions import Perm, has_perm
from fedportal.audit.models import SensitiveField
from fedportal.audit.services import sensitive_access_record
from fedportal.core.sensitive import mask
from fedportal.core.spreadsheets import escape_formula, write_header

from .models import HomeCareService, ServiceType
from .selectors import child_rescue_priority_groups

CHUNK = 2000


def _cell(sheet, value):
    if value is None:
        return None
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (int, Decimal, float, date)):
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, Decimal):
            cell.number_format = "0.00"
        elif isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
        return cell
    cell = WriteOnlyCell(sheet, value=escape_formula(value))
    cell.data_type = "s"  # never let openpyxl guess a formula
    return cell


def write_workbook(sheets: list[tuple[str, list[str], Iterable[Iterable]]]) -> tempfile.SpooledTemporaryFile:
    """sheets: (title, headers, rows). Returns a rewound file holding the workbook."""
    workbook = Workbook(write_only=True)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        write_header(sheet, [escape_formula(h) for h in headers])
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - returned open to the response
    workbook.save(out)
    out.seek(0)
    return out


def xlsx_response(filename: str, sheets) -> FileResponse:
    return FileResponse(
        write_workbook(sheets),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def id_formatter(user, *, request=None, what: str):
    """Full ID numbers for roles allowed to see them (one audit entry per export), masked otherwise."""
    if has_perm(user, Perm.PERSON_REVEAL):
        sensitive_access_record(
            user=user, field=SensitiveField.EXPORT, detail=_("康复导出：%(what)s") % {"what": what}, request=request
        )
        return lambda number: number
    return mask  # the strict mask: this role may not reveal


def iterate(queryset):
    return queryset.iterator(chunk_size=CHUNK)


# ---------------------------------------------------------------- the lists' exports


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable
    id_number: bool = False  # full for roles that may reveal (audited once per export), masked for the others


@dataclass(frozen=True)
class ExportSpec:
    """One list's export: its file, its sheet (also what the audit record of a full-number export names), columns."""

    filename: str
    sheet: str
    columns: tuple[Column, ...]

    def rows(self, queryset, show_id):
        for obj in iterate(queryset):
            yield [show_id(column.value(obj)) if column.id_number else column.value(obj) for column in self.columns]


def export_response(spec: ExportSpec, queryset, *, request, filename: str = "") -> FileResponse:
    """The rows of `queryset` (the filtered list, in its order) as the spec's workbook."""
    show_id = id_formatter(request.user, request=request, what=str(spec.sheet))
    headers = [str(column.header) for column in spec.columns]
    return xlsx_response(filename or spec.filename, [(str(spec.sheet), headers, spec.rows(queryset, show_id))])


def _labels(choices, values):
    return "、".join(str(choices(v).label) for v in values)


def _township(obj):
    return obj.person.township.name


def _name(obj):
    return obj.person.name


def _id_number(obj):
    return obj.person.id_number


def _person_columns():
    return (
        Column(gettext_lazy("乡镇(街道)"), _township),
        Column(gettext_lazy("姓名"), _name),
        Column(gettext_lazy("身份证号"), _id_number, id_number=True),
    )


NEEDS = ExportSpec(
    "rehab-needs.xlsx",
    gettext_lazy("康复需求"),
    (
        *_person_columns(),
        Column(gettext_lazy("需求类型"), lambda n: n.get_need_type_display()),
        Column(gettext_lazy("辅具类型"), lambda n: n.get_device_type_display()),
        Column(gettext_lazy("登记日期"), lambda n: n.recorded_on),
        Column(gettext_lazy("来源"), lambda n: n.get_source_display()),
        Column(gettext_lazy("状态"), lambda n: n.get_status_display()),
        Column(gettext_lazy("满足日期"), lambda n: n.met_on),
        Column(gettext_lazy("说明"), lambda n: n.note),
    ),
)

SERVICE_RECORDS = ExportSpec(
    "rehab-services.xlsx",
    gettext_lazy("服务记录"),
    (
        *_person_columns(),
        Column(gettext_lazy("服务类型"), lambda r: r.get_service_type_display()),
        Column(gettext_lazy("服务机构"), lambda r: r.provider.name if r.provider else ""),
        Column(gettext_lazy("服务日期"), lambda r: r.served_on),
        Column(gettext_lazy("数量"), lambda r: r.quantity),
        Column(gettext_lazy("费用(元)"), lambda r: r.amount),
        Column(gettext_lazy("补助(元)"), lambda r: r.subsidy),
        Column(gettext_lazy("服务内容"), lambda r: r.description),
    ),
)

FITTINGS = ExportSpec(
    "rehab-fittings.xlsx",
    gettext_lazy("辅具适配"),
    (
        *_person_columns(),
        Column(gettext_lazy("辅具类型"), lambda f: f.get_device_type_display()),
        Column(gettext_lazy("状态"), lambda f: f.get_status_display()),
        Column(gettext_lazy("评估日期"), lambda f: f.assessed_on),
        Column(gettext_lazy("评估人/机构"), lambda f: f.assessor),
        Column(gettext_lazy("适配日期"), lambda f: f.fitted_on),
        Column(gettext_lazy("供应商"), lambda f: f.supplier.name if f.supplier else ""),
        Column(gettext_lazy("产品型号"), lambda f: f.device_model),
        Column(gettext_lazy("费用(元)"), lambda f: f.cost),
        Column(gettext_lazy("补助(元)"), lambda f: f.subsidy),
        Column(gettext_lazy("建议更换日期"), lambda f: f.replacement_date),
        Column(gettext_lazy("回访日期"), lambda f: f.followup_on),
        Column(gettext_lazy("回访情况"), lambda f: f.followup_result),
    ),
)

HOME_CARE_PLANS = ExportSpec(
    "rehab-home-care-plans.xlsx",
    gettext_lazy("居家托养服务计划"),
    (
        *_person_columns(),
        Column(gettext_lazy("服务机构"), lambda p: p.provider.name),
        Column(gettext_lazy("服务内容"), lambda p: _labels(HomeCareService, p.services)),
        Column(gettext_lazy("开始日期"), lambda p: p.start_date),
        Column(gettext_lazy("结束日期"), lambda p: p.end_date),
        Column(gettext_lazy("每月上门次数"), lambda p: p.visits_per_month),
        Column(gettext_lazy("状态"), lambda p: p.get_status_display()),
    ),
)

CHILD_RESCUES = ExportSpec(
    "rehab-child-rescue.xlsx",
    gettext_lazy("儿童康复救助"),
    (
        *_person_columns(),
        Column(gettext_lazy("出生日期"), lambda r: r.person.birth_date),
        Column(gettext_lazy("申请日期"), lambda r: r.applied_on),
        Column(gettext_lazy("残疾类别"), lambda r: r.get_condition_display()),
        Column(gettext_lazy("救助项目"), lambda r: r.get_rescue_kind_display()),
        Column(gettext_lazy("定点机构"), lambda r: r.provider.name),
        Column(gettext_lazy("服务开始"), lambda r: r.start_date),
        Column(gettext_lazy("服务结束"), lambda r: r.end_date),
        Column(gettext_lazy("救助金额(元)"), lambda r: r.amount),
        Column(gettext_lazy("优先对象"), lambda r: "、".join(str(g) for g in child_rescue_priority_groups(rescue=r))),
    ),
)

RENOVATIONS = ExportSpec(
    "rehab-renovations.xlsx",
    gettext_lazy("无障碍改造"),
    (
        Column(gettext_lazy("乡镇(街道)"), _township),
        Column(gettext_lazy("户籍编号"), lambda r: r.household.register_number),
        Column(gettext_lazy("一户多残"), lambda r: r.household.is_multi_disability),
        Column(gettext_lazy("姓名"), _name),
        Column(gettext_lazy("身份证号"), _id_number, id_number=True),
        Column(gettext_lazy("改造内容"), lambda r: r.items),
        Column(gettext_lazy("施工单位"), lambda r: r.provider.name if r.provider else ""),
        Column(gettext_lazy("立项日期"), lambda r: r.planned_on),
        Column(gettext_lazy("完工日期"), lambda r: r.completed_on),
        Column(gettext_lazy("改造费用(元)"), lambda r: r.cost),
        Column(gettext_lazy("补助(元)"), lambda r: r.subsidy),
        Column(gettext_lazy("状态"), lambda r: r.get_status_display()),
    ),
)

# The file name carries the round's year: export_response(SURVEY_RECORDS, ..., filename=survey_export_filename(...)).
SURVEY_RECORDS = ExportSpec(
    "rehab-survey.xlsx",
    gettext_lazy("需求调查记录"),
    (
        Column(gettext_lazy("乡镇(街道)"), lambda r: r.township.name),
        Column(gettext_lazy("姓名"), _name),
        Column(gettext_lazy("身份证号"), _id_number, id_number=True),
        Column(gettext_lazy("调查方式"), lambda r: r.get_contact_method_display()),
        Column(gettext_lazy("调查日期"), lambda r: r.visited_on),
        Column(gettext_lazy("已获得的服务"), lambda r: _labels(ServiceType, r.services_received)),
        Column(gettext_lazy("需要的服务"), lambda r: _labels(ServiceType, r.services_needed)),
        Column(gettext_lazy("需要的辅具"), lambda r: r.get_device_type_needed_display()),
        Column(gettext_lazy("备注"), lambda r: r.note),
        Column(gettext_lazy("调查员"), lambda r: r.surveyor.display_name if r.surveyor else ""),
    ),
)


def survey_export_filename(survey_round) -> str:
    return f"rehab-survey-{survey_round.year}.xlsx"
