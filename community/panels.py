"""The community-services panel on the person page."""

from django.utils.translation import gettext_lazy as _

from cases.person_panels import PersonPanel, register_person_panel
from cases.selectors import person_in_scope
from fedportal.accounts.permissions import Perm, has_perm

from .selectors import person_community_records


@register_person_panel(order=40)
def community_panel(request, person) -> PersonPanel | None:
    records = person_community_records(user=request.user, person=person)
    if not records:
        return None
    can_edit = has_perm(request.user, Perm.COMMUNITY_EDIT) and person_in_scope(user=request.user, person=person)
    return PersonPanel(
        title=_("就业、维权与帮扶"), template="community/_person_panel.html", context={**records, "can_edit": can_edit}
    )
