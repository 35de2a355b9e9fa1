"""The subsidies panel on the person page."""

from django.utils.translation import gettext_lazy as _

from cases.person_panels import PersonPanel, register_person_panel
from fedportal.accounts.permissions import Perm, has_perm

from .models import LineKind, PaymentLine, RunStatus
from .selectors import enrollment_list_for_user


@register_person_panel(order=20)
def subsidies_panel(request, person) -> PersonPanel | None:
    if not has_perm(request.user, Perm.PROGRAM_VIEW):
        return None
    enrollments = list(enrollment_list_for_user(request.user).filter(person=person))
    lines = []
    if has_perm(request.user, Perm.PAYMENT_RUN_VIEW):
        lines = list(
            PaymentLine.objects.filter(person=person, run__status=RunStatus.APPROVED)
            .exclude(kind=LineKind.RECOVERY)
            .select_related("program")
            .order_by("-month")[:6]
        )
    return PersonPanel(
        title=_("补贴"),
        template="subsidies/_person_panel.html",
        context={
            "enrollments": enrollments,
            "lines": lines,
            "may_apply": has_perm(request.user, Perm.APPLICATION_ENTER) and person.death_date is None,
        },
    )
