"""The subsidies panels on the person page: enrollments, and every line paid for the person with its result."""

from django.utils.translation import gettext_lazy as _

from cases.person_panels import PersonPanel, register_person_panel
from fedportal.accounts.permissions import Perm, has_perm

from .selectors import enrollment_list_for_user
from .selectors_payments import person_payment_history


@register_person_panel(order=20)
def subsidies_panel(request, person) -> PersonPanel | None:
    if not has_perm(request.user, Perm.PROGRAM_VIEW):
        return None
    enrollments = list(enrollment_list_for_user(user=request.user).filter(person=person))
    return PersonPanel(
        title=_("补贴"),
        template="subsidies/_person_panel.html",
        context={
            "enrollments": enrollments,
            "may_apply": has_perm(request.user, Perm.APPLICATION_ENTER) and person.death_date is None,
        },
    )


@register_person_panel(order=21)
def payments_panel(request, person) -> PersonPanel | None:
    """What was paid, what failed and why (DOMAIN.md: each person's page shows it): one query."""
    if not has_perm(request.user, Perm.PAYMENT_RUN_VIEW):
        return None
    return PersonPanel(
        title=_("发放记录"),
        template="subsidies/_person_payments.html",
        context={"history": person_payment_history(user=request.user, person=person)},
        slug="payments",
    )
