"""The agency lists' columns (CONTRACT.md, `compare_import`): first sheet, header row, column order free."""

from cases import models as registry
from cases.models import PovertyStatus

from .models import ComparisonKind

C_ID = "身份证号"
C_NAME = "姓名"
C_DEATH = "死亡日期"
C_MOVE = "迁出日期"
C_DESTINATION = "迁往地"
C_TYPE = "救助类型"
C_START = "起始日期"
C_END = "终止日期"

COLUMNS = {
    ComparisonKind.DEATHS: [C_ID, C_NAME, C_DEATH],
    ComparisonKind.MOVES: [C_ID, C_NAME, C_MOVE, C_DESTINATION],
    ComparisonKind.POVERTY: [C_ID, C_NAME, C_TYPE, C_START, C_END],
    ComparisonKind.INJURY: [C_ID, C_NAME, C_START, C_END],
}
REQUIRED = {
    ComparisonKind.DEATHS: [C_ID, C_NAME, C_DEATH],
    ComparisonKind.MOVES: [C_ID, C_NAME, C_MOVE],
    ComparisonKind.POVERTY: [C_ID, C_NAME, C_TYPE, C_START],
    ComparisonKind.INJURY: [C_ID, C_NAME, C_START],
}
TEXT_COLUMNS = {C_ID}
DATE_COLUMNS = {C_DEATH, C_MOVE, C_START, C_END}

# 救助类型 on a 民政 roll -> the registry's poverty status. 监测对象 is not a 民政 roll's status: the roll never ends it.
POVERTY_TYPES = {"低保": PovertyStatus.DIBAO, "低保边缘": PovertyStatus.MARGINAL, "特困供养": PovertyStatus.EXTREME}
ROLL_STATUSES = frozenset(POVERTY_TYPES.values())

EXAMPLES = {
    ComparisonKind.DEATHS: [["360121197011210013", "张三", "2026-09-20"]],
    ComparisonKind.MOVES: [["360121197011210013", "张三", "2026-10-08", "南昌市东湖区"]],
    ComparisonKind.POVERTY: [
        ["360121197011210013", "张三", "低保", "2021-01-01", ""],
        ["360121198503150026", "李四", "特困供养", "2024-07-01", ""],
    ],
    ComparisonKind.INJURY: [["360121197011210013", "张三", "2025-03-01", ""]],
}


def injury_supported() -> bool:
    """Work-injury care allowances are recorded as dated exclusions (PersonExclusion, kind work_injury); the injury
    list is offered only where the registry has them."""
    return hasattr(registry, "PersonExclusion")


def available_kinds() -> list[tuple[str, str]]:
    return [(k.value, k.label) for k in ComparisonKind if k != ComparisonKind.INJURY or injury_supported()]
