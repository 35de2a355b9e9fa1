"""How a finding reads: the registry's value, the list's value, one line for the command, the money effect in words.

Findings store facts (dates, status codes, amounts); the words are made here, in the reader's language.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from cases.models import PovertyStatus

from .models import FindingKind


def _status(code: str) -> str:
    try:
        return str(PovertyStatus(code).label)
    except ValueError:
        return code


def registry_value(kind: str, change: dict, notes: dict) -> str:
    recorded = notes.get("registry_date")
    if kind == FindingKind.DEATH:
        return _("已登记死亡 %(date)s") % {"date": recorded} if recorded else _("未登记死亡")
    if kind == FindingKind.MOVE:
        return _("已登记迁出 %(date)s") % {"date": recorded} if recorded else _("户籍在本县")
    if kind == FindingKind.INJURY_END:
        return _("领取中，自 %(date)s 起") % {"date": recorded} if recorded else _("领取中")
    if kind == FindingKind.INJURY_START:
        return _("未登记")
    return _status(change.get("registry_status", ""))


def list_value(kind: str, change: dict, notes: dict) -> str:
    day = change.get("date", "")
    if kind == FindingKind.DEATH:
        return _("死亡 %(date)s") % {"date": day}
    if kind == FindingKind.MOVE:
        destination = change.get("destination")
        if destination:
            return _("迁出 %(date)s，迁往 %(place)s") % {"date": day, "place": destination}
        return _("迁出 %(date)s") % {"date": day}
    if kind == FindingKind.POVERTY_END:
        if notes.get("ended"):
            return _("名单记载于 %(end)s 终止") % {"end": notes["ended"]}
        return _("名单未列入，自 %(date)s 起终止") % {"date": day}
    if kind in (FindingKind.POVERTY_START, FindingKind.POVERTY_CHANGE):
        return _("%(status)s，自 %(date)s 起") % {"status": _status(change.get("status", "")), "date": day}
    if kind == FindingKind.INJURY_START:
        if change.get("end"):
            return _("领取，%(start)s 至 %(end)s") % {"start": day, "end": change["end"]}
        return _("领取，自 %(date)s 起") % {"date": day}
    if kind == FindingKind.INJURY_END:
        return _("领取至 %(date)s") % {"date": day}
    return day


def warnings(notes: dict) -> list[str]:
    found = []
    if notes.get("list_name"):
        found.append(_("名单姓名为“%(name)s”，与登记不一致，请核对。") % {"name": notes["list_name"]})
    if notes.get("adjusted_from"):
        found.append(
            _("名单日期 %(date)s 不晚于登记中当前状态的起始日期，按其次日记录。") % {"date": notes["adjusted_from"]}
        )
    return found


def message(kind: str, change: dict, notes: dict) -> str:
    """The command's line after `finding ID KIND: `: registry value -> list value."""
    text = _("登记：%(registry)s；名单：%(list)s") % {
        "registry": registry_value(kind, change, notes),
        "list": list_value(kind, change, notes),
    }
    return "；".join([text, *warnings(notes)])


def effect_text(effects: list[dict]) -> str:
    """'2026-12 起停发护理补贴；追回 2026-10、2026-11 共 160.00 元' for each program the change touches."""
    parts = []
    for effect in effects:
        program = effect["program"]
        if effect.get("candidate"):
            parts.append(_("符合%(program)s条件且未享受：可申请（应补尽补）") % {"program": program})
            continue
        if effect.get("resume"):
            parts.append(_("%(month)s 起恢复发放%(program)s") % {"month": effect["resume"], "program": program})
        if effect.get("stop"):
            parts.append(_("%(month)s 起停发%(program)s") % {"month": effect["stop"], "program": program})
        if effect.get("recover"):
            values = {
                "program": program,
                "months": "、".join(effect["recover"]),
                "amount": f"{Decimal(effect['amount']):.2f}",
            }
            if effect.get("stop"):
                parts.append(_("追回 %(months)s 共 %(amount)s 元") % values)
            else:
                parts.append(_("追回%(program)s %(months)s 共 %(amount)s 元") % values)
    return "；".join(parts) if parts else _("不影响补贴发放")
