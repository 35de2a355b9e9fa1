from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fedportal.accounts.permissions import COUNTY_WIDE, Perm, authorize

from ..models import Budget, Program


def budget_set(*, program: Program, year: int, amount: Decimal, note: str = "", acting_user) -> Budget:
    authorize(acting_user, Perm.BUDGET_EDIT, COUNTY_WIDE)
    if amount < 0:
        raise ValidationError(_("预算金额不能为负数。"))
    budget, _created = Budget.objects.update_or_create(
        program=program, year=year, defaults={"amount": amount, "note": note, "updated_by": acting_user}
    )
    return budget
