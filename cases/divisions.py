"""The county's administrative tree: loading townships and villages from a workbook (import_divisions)."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Township, Village

DIVISION_HEADERS = ("乡镇代码", "乡镇(街道)", "村代码", "村(社区)")


@dataclass
class DivisionImportResult:
    townships_created: int = 0
    townships_updated: int = 0
    villages_created: int = 0
    villages_updated: int = 0
    errors: list[str] = field(default_factory=list)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_division_rows(path) -> list[tuple[int, dict]]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    if not rows:
        raise ValueError(_("工作簿是空的。"))
    header = [_text(cell) for cell in rows[0]]
    missing = [name for name in DIVISION_HEADERS if name not in header]
    if missing:
        raise ValueError(_("表头缺少列：%(columns)s。") % {"columns": "、".join(missing)})
    index = {name: header.index(name) for name in DIVISION_HEADERS}
    parsed = []
    for number, row in enumerate(rows[1:], start=2):
        values = {name: _text(row[i]) if i < len(row) else "" for name, i in index.items()}
        if any(values.values()):
            parsed.append((number, values))
    return parsed


@transaction.atomic
def divisions_import(*, rows: list[tuple[int, dict]]) -> DivisionImportResult:
    """Create or update townships and villages; idempotent. Nothing is written when any row is wrong."""
    result = DivisionImportResult()
    townships = {t.code: t for t in Township.objects.all()}
    villages = {v.code: v for v in Village.objects.all()}
    for number, values in rows:
        for column in DIVISION_HEADERS:
            if not values[column]:
                result.errors.append(_("第 %(row)s 行，%(column)s 列：不能为空。") % {"row": number, "column": column})
    if result.errors:
        transaction.set_rollback(True)
        return result
    for _number, values in rows:
        code, name = values["乡镇代码"], values["乡镇(街道)"]
        township = townships.get(code)
        if township is None:
            township = townships[code] = Township.objects.create(code=code, name=name)
            result.townships_created += 1
        elif township.name != name:
            township.name = name
            township.save(update_fields=["name"])
            result.townships_updated += 1
        village_code, village_name = values["村代码"], values["村(社区)"]
        village = villages.get(village_code)
        if village is None:
            villages[village_code] = Village.objects.create(township=township, code=village_code, name=village_name)
            result.villages_created += 1
        elif village.name != village_name or village.township_id != township.pk:
            village.name, village.township = village_name, township
            village.save(update_fields=["name", "township"])
            result.villages_updated += 1
    return result
