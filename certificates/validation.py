"""Pure checks for certificates, shared by forms, services and the roster validator."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.disability import Category, Grade

VALIDITY_YEARS = 10
NOTICE_WORKING_DAYS = 5
REAPPLY_BAR_YEARS = 1
# 换领 opens this many days before expiry (or at any time to move from the 2nd to the 3rd generation).
RENEWAL_WINDOW_DAYS = 180


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def expiry_for(issue_date: date) -> date:
    """Valid for 10 years: the last valid day is the day before the 10th anniversary."""
    return add_years(issue_date, VALIDITY_YEARS) - timedelta(days=1)


def add_working_days(start: date, days: int) -> date:
    """The last day of a notice of `days` working days (Mon-Fri) beginning on `start`."""
    day = start
    while day.weekday() >= 5:
        day += timedelta(days=1)
    counted = 1
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return day


def clean_components(category: int, grade: int | None, components) -> tuple[int, list[dict]]:
    """For 多重: at least two distinct single categories; the grade is the most severe component grade.

    Returns (grade, components). Other categories carry no components.
    """
    if category not in Category.values:
        raise ValidationError({"category": _("请选择残疾类别。")})
    components = [
        {"category": int(item["category"]), "grade": int(item["grade"])} for item in (components or []) if item
    ]
    if category != Category.MULTIPLE:
        if components:
            raise ValidationError({"components": _("只有多重残疾需要填写残疾构成。")})
        if grade not in Grade.values:
            raise ValidationError({"grade": _("请选择残疾等级。")})
        return grade, []
    if len(components) < 2:
        raise ValidationError({"components": _("多重残疾须至少填写两类残疾及各自等级。")})
    categories = [item["category"] for item in components]
    if len(set(categories)) != len(categories):
        raise ValidationError({"components": _("多重残疾的构成中同一类别只能出现一次。")})
    for item in components:
        if item["category"] not in Category.values or item["category"] == Category.MULTIPLE:
            raise ValidationError({"components": _("多重残疾的构成只能是视力、听力、言语、肢体、智力、精神。")})
        if item["grade"] not in Grade.values:
            raise ValidationError({"components": _("多重残疾构成的等级应为一级至四级。")})
    most_severe = min(item["grade"] for item in components)
    if grade is not None and grade != most_severe:
        raise ValidationError(
            {"grade": _("多重残疾的等级应为各类残疾中最重的等级（%(grade)s）。") % {"grade": Grade(most_severe).label}}
        )
    return most_severe, sorted(components, key=lambda item: item["category"])
