"""The one-click 应补尽补 application from a comparison page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from cases.comparison.selectors import comparison_get_for_user
from cases.selectors import person_get_for_user
from fedportal.accounts.permissions import Perm, require_perm
from fedportal.core.clock import local_today

from .comparison import LIVING, living_candidates
from .models import Program
from .services import application_submit


@require_perm(Perm.APPLICATION_ENTER, Perm.COMPARISON_VIEW)
def comparison_candidate_apply(request, comparison_id: int, person_id: int):
    comparison = comparison_get_for_user(user=request.user, comparison_id=comparison_id)
    person = person_get_for_user(user=request.user, person_id=person_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    candidates = living_candidates(user=request.user, comparison=comparison, limit=10**6)
    if person.pk not in {candidate.pk for candidate in candidates["persons"]}:
        messages.error(
            request, _("%(name)s 已不是这份名册的应补尽补对象（可能已申请或已享受）。") % {"name": person.name}
        )
    else:
        try:
            application = application_submit(
                person=person,
                program=Program.objects.get(code=LIVING),
                applied_on=local_today(),
                acting_user=request.user,
                comment=_("数据比对 #%(id)s（%(source)s）应补尽补")
                % {"id": comparison.pk, "source": comparison.source},
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(
                request,
                _("已为 %(name)s 录入生活补贴申请（%(date)s），请按流程初审、审核。")
                % {"name": person.name, "date": application.applied_on.isoformat()},
            )
    return redirect(f"{comparison_detail_url(comparison.pk)}#panel-candidates")


def comparison_detail_url(comparison_id: int) -> str:
    from django.urls import reverse

    return reverse("cases:comparison_detail", args=[comparison_id])
