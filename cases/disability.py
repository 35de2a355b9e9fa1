"""The disability classification the registry records (GB/T 26341-2010) and the certificate number built from it.

The registry reads and validates these (the persons roster carries 残疾类别/残疾等级/证件代别 and 残疾人证号), so
they live here, below `certificates`, whose models use them.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fedportal.idnumber import normalize_id_number


class Category(models.IntegerChoices):
    VISUAL = 1, gettext_lazy("视力")
    HEARING = 2, gettext_lazy("听力")
    SPEECH = 3, gettext_lazy("言语")
    PHYSICAL = 4, gettext_lazy("肢体")
    INTELLECTUAL = 5, gettext_lazy("智力")
    MENTAL = 6, gettext_lazy("精神")
    MULTIPLE = 7, gettext_lazy("多重")


class Grade(models.IntegerChoices):
    ONE = 1, gettext_lazy("一级")
    TWO = 2, gettext_lazy("二级")
    THREE = 3, gettext_lazy("三级")
    FOUR = 4, gettext_lazy("四级")


class Generation(models.IntegerChoices):
    SECOND = 2, gettext_lazy("第二代")
    THIRD = 3, gettext_lazy("第三代")


def check_certificate_number(raw, *, id_number: str, category: int | None = None, grade: int | None = None) -> str:
    """Normalise a typed certificate number and check it against its holder; the message names the fault."""
    number = normalize_id_number(raw)
    if len(number) != 20:
        raise ValidationError(
            _("残疾人证号应为 20 位（身份证号 18 位 + 类别 1 位 + 等级 1 位），当前为 %(n)s 位。") % {"n": len(number)}
        )
    if number[:18] != id_number:
        raise ValidationError(_("残疾人证号前 18 位（%(prefix)s）与持证人身份证号不一致。") % {"prefix": number[:18]})
    if number[18] not in "1234567":
        raise ValidationError(_("残疾人证号第 19 位（类别）应为 1-7。"))
    if number[19] not in "1234":
        raise ValidationError(_("残疾人证号第 20 位（等级）应为 1-4。"))
    if category is not None and int(number[18]) != category:
        raise ValidationError(
            _("残疾人证号第 19 位为 %(digit)s，与残疾类别“%(category)s”（%(expected)s）不一致。")
            % {"digit": number[18], "category": Category(category).label, "expected": category}
        )
    if grade is not None and int(number[19]) != grade:
        raise ValidationError(
            _("残疾人证号第 20 位为 %(digit)s，与残疾等级“%(grade)s”（%(expected)s）不一致。")
            % {"digit": number[19], "grade": Grade(grade).label, "expected": grade}
        )
    return number
