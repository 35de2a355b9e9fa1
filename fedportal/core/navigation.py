"""The navigation: each role sees only the entries its capabilities allow, grouped into a few menus so the top bar
fits on one line in both languages (and collapses into one button below its width)."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from fedportal.accounts.permissions import Perm, has_perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: Perm | None
    icon: str
    description: str = ""
    group: str = ""


# Menu groups of the top bar, in order; an item without a group is a link of its own.
NAV_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("registry", _("登记管理"), "people"),
    ("subsidies", _("补贴发放"), "cash-stack"),
    ("services", _("服务帮扶"), "heart-pulse"),
    ("statistics", _("统计报表"), "bar-chart"),
)

NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("工作台"), "home", None, "house", _("常用功能与我的任务")),
    NavItem(
        _("残疾人登记"), "cases:person_list", Perm.PERSON_VIEW, "people", _("查询、登记残疾人和户"), group="registry"
    ),
    NavItem(
        _("残疾人证"),
        "certificates:certificate_list",
        Perm.PERSON_VIEW,
        "person-vcard",
        _("新办、换领、变更、注销"),
        group="registry",
    ),
    NavItem(
        _("花名册导入"),
        "cases:roster_list",
        Perm.ROSTER_UPLOAD,
        "file-earmark-spreadsheet",
        _("下载模板、上传花名册"),
        group="registry",
    ),
    NavItem(
        _("数据比对"),
        "cases:comparison_list",
        Perm.COMPARISON_VIEW,
        "arrow-repeat",
        _("与公安、民政、人社名单比对"),
        group="registry",
    ),
    NavItem(
        _("补贴申请"),
        "subsidies:application_list",
        Perm.APPLICATION_ENTER,
        "journal-check",
        _("录入和审核补贴申请"),
        group="subsidies",
    ),
    NavItem(
        _("动态管理"),
        "subsidies:dynamic_management",
        Perm.PROGRAM_VIEW,
        "arrow-left-right",
        _("应享未享、应退未退"),
        group="subsidies",
    ),
    NavItem(
        _("资金发放"),
        "subsidies:payment_run_list",
        Perm.PAYMENT_RUN_VIEW,
        "cash-stack",
        _("计算、审核、导出发放表"),
        group="subsidies",
    ),
    NavItem(
        _("康复与托养"), "rehab:home", Perm.REHAB_VIEW, "heart-pulse", _("需求、服务、辅具、托养"), group="services"
    ),
    NavItem(
        _("就业与帮扶"),
        "community:home",
        Perm.COMMUNITY_VIEW,
        "people-fill",
        _("培训、就业、慰问、维权、文体、筛查"),
        group="services",
    ),
    NavItem(
        _("统计看板"),
        "dashboards:dashboard",
        Perm.DASHBOARD_VIEW,
        "bar-chart",
        _("持证、补贴、康复统计"),
        group="statistics",
    ),
    NavItem(
        _("报表中心"),
        "dashboards:report_list",
        Perm.REPORT_GENERATE,
        "file-earmark-bar-graph",
        _("生成工作报表"),
        group="statistics",
    ),
    NavItem(_("审计日志"), "audit:event_list", Perm.AUDIT_VIEW, "shield-check", _("谁在何时改了什么")),
    NavItem(_("我的任务"), "jobs:job_list", None, "list-task", _("导入、计算、报表的进度")),
)


def nav_items_for(user) -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if item.perm is not None and not has_perm(user, item.perm):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue  # the part of the portal behind this entry is not installed
        items.append(
            {
                "label": item.label,
                "url": url,
                "icon": item.icon,
                "description": item.description,
                "name": item.url_name,
                "group": item.group,
            }
        )
    return items


def nav_menu_for(items: list[dict], path: str) -> list[dict]:
    """The top bar: groups with two or more entries become a drop-down menu, a group with one entry becomes a plain
    link (a menu of one is one click too many). Each entry knows whether the current page lies under it."""
    labels = {key: (label, icon) for key, label, icon in NAV_GROUPS}
    # The current entry is the one whose address is the longest prefix of the page's (rosters live under persons).
    matching = [item["url"] for item in items if item["url"] != "/" and path.startswith(item["url"])]
    current_url = max(matching, key=len) if matching else path
    menu: list[dict] = []
    groups: dict[str, dict] = {}
    for item in items:
        if item["name"] == "home":
            continue
        entry = {**item, "current": item["url"] == current_url}
        key = item["group"]
        if not key:
            menu.append(entry)
            continue
        if key not in groups:
            label, icon = labels[key]
            groups[key] = {"key": key, "label": label, "icon": icon, "children": [], "current": False}
            menu.append(groups[key])
        groups[key]["children"].append(entry)
        groups[key]["current"] = groups[key]["current"] or entry["current"]
    return [entry["children"][0] if len(entry.get("children", ())) == 1 else entry for entry in menu]
