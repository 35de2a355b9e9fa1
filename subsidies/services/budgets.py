from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from fedportal.accounts.permissions import Perm, has_perm

from ..models import Budget, Program


def budget_set(*, program: Program, year: int, amount: Decimal, note: str = "", acting_user) -> Budget:
    if not has_perm(acting_user, Perm.BUDGET_EDIT):
        raise PermissionDenied
    if amount < 0:
        raise ValidationError(_("预算金额不能为负数。"))
    budget, _created = Budget.objects.update_or_create(
        program=program, year=year, defaults={"amount": amount, "note": note, "updated_by": acting_user}
    )
    return budget
