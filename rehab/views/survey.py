"""The yearly needs survey (动态更新): rounds, progress per township, and the liaison's visit form."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fedportal.accounts.permissions import Perm, has_perm, require_perm
from fedportal.core.forms import run_service
from fedportal.core.search_tokens import search_by_token
from fedportal.core.sensitive import mask_for, masked_rows

from .. import services
from ..exports import SURVEY_RECORDS, export_response, survey_export_filename
from ..filters import SurveyPersonFilter, SurveyRecordFilter
from ..forms import SurveyRecordForm, SurveyRoundForm
from ..models import ContactMethod, SurveyRecord, SurveyRoundStatus
from ..selectors import (
    rehab_person_get_for_user,
    rehab_setting_on,
    survey_person_list_for_user,
    survey_progress,
    survey_record_list_for_user,
    survey_round_get_for_user,
    survey_round_list_for_user,
)
from .common import checked_parameters, done, paginate, render_form, selected_township


@require_perm(Perm.REHAB_VIEW)
def round_list(request):
    return render(
        request,
        "rehab/survey_round_list.html",
        {
            "rounds": survey_round_list_for_user(user=request.user),
            "can_edit": has_perm(request.user, Perm.REHAB_EDIT),
        },
    )


@require_perm(Perm.REHAB_EDIT)
def round_create(request):
    form = SurveyRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey_round = run_service(
            form, lambda: services.survey_round_create(acting_user=request.user, **form.cleaned_data)
        )
        if survey_round:
            return done(request, _("已建立调查轮次。"), reverse("rehab:survey_round_detail", args=[survey_round.pk]))
    return render_form(
        request, form, title=_("新建需求调查轮次"), back_url=reverse("rehab:survey_round_list"), submit=_("保存")
    )


@require_perm(Perm.REHAB_VIEW)
@checked_parameters
def round_detail(request, pk):
    survey_round = survey_round_get_for_user(user=request.user, round_id=pk)
    if request.GET.get("format") == "xlsx":
        records = SurveyRecordFilter(
            request.GET,
            queryset=survey_record_list_for_user(user=request.user).filter(survey_round=survey_round),
            request=request,
        )
        if records.is_valid():
            return export_response(
                SURVEY_RECORDS, records.qs, request=request, filename=survey_export_filename(survey_round)
            )
    # The progress figures are not scoped by the user: a township user's are held to their township here.
    township = selected_township(request)
    progress = survey_progress(survey_round=survey_round, township_id=township)
    totals = {key: sum(row[key] for row in progress) for key in ("to_survey", "done", "home", "meet", "phone", "lost")}
    return render(
        request,
        "rehab/survey_round_detail.html",
        {
            "survey_round": survey_round,
            "progress": progress,
            "totals": totals,
            "target": rehab_setting_on(day=survey_round.start_date).home_visit_target,
            "can_edit": has_perm(request.user, Perm.REHAB_EDIT),
            "can_survey": has_perm(request.user, Perm.SURVEY_EDIT),
        },
    )


@require_perm(Perm.REHAB_EDIT)
@require_POST
def round_toggle(request, pk):
    survey_round = survey_round_get_for_user(user=request.user, round_id=pk)
    status = SurveyRoundStatus.CLOSED if survey_round.status == SurveyRoundStatus.OPEN else SurveyRoundStatus.OPEN
    services.survey_round_set_status(survey_round=survey_round, status=status, acting_user=request.user)
    return done(request, _("已更新调查轮次状态。"), reverse("rehab:survey_round_detail", args=[pk]))


@require_perm(Perm.REHAB_VIEW)
@checked_parameters
@search_by_token("q")
def person_list(request, pk):
    """The persons to survey in the user's scope, with this round's record if any."""
    survey_round = survey_round_get_for_user(user=request.user, round_id=pk)
    persons = SurveyPersonFilter(
        request.search,
        queryset=survey_person_list_for_user(user=request.user, survey_round=survey_round),
        request=request,
    )
    page, query_string = paginate(request, masked_rows(persons.qs, request.user))
    labels = dict(ContactMethod.choices)
    for person in page.object_list:
        person.contact_label = labels.get(person.contact_method, "")
    return render(
        request,
        "rehab/survey_person_list.html",
        {
            "survey_round": survey_round,
            "page": page,
            "query_string": query_string,
            "filter": persons,
            "state": persons.form.data.get("state", ""),
            "q": persons.form.data.get("q", "").strip(),
            "can_survey": has_perm(request.user, Perm.SURVEY_EDIT) and survey_round.status == SurveyRoundStatus.OPEN,
        },
    )


@require_perm(Perm.SURVEY_EDIT)
def record_edit(request, pk, person_id):
    survey_round = survey_round_get_for_user(user=request.user, round_id=pk)
    if not has_perm(request.user, Perm.REHAB_VIEW):
        from django.http import Http404

        raise Http404
    person = rehab_person_get_for_user(user=request.user, person_id=person_id)
    existing = SurveyRecord.objects.filter(survey_round=survey_round, person=person).first()
    initial = {}
    if existing:
        initial = {
            "contact_method": existing.contact_method,
            "visited_on": existing.visited_on,
            "services_received": existing.services_received,
            "services_needed": existing.services_needed,
            "device_type_needed": existing.device_type_needed,
            "note": existing.note,
        }
    form = SurveyRecordForm(request.POST or None, initial=initial)
    back = reverse("rehab:survey_person_list", args=[pk])
    if request.method == "POST" and form.is_valid():
        result = run_service(
            form,
            lambda: services.survey_record_save(
                survey_round=survey_round, person=person, acting_user=request.user, **form.cleaned_data
            ),
        )
        if result:
            _record, needs = result
            message = _("已保存调查记录。")
            if needs:
                message += " " + _("新登记需求：%(needs)s") % {"needs": "、".join(str(n) for n in needs)}
            return done(request, message, back)
    intro = f"{person.name} · {mask_for(request.user, person.id_number)} · {person.township.name} {person.village.name}"
    return render_form(request, form, title=survey_round.title, back_url=back, submit=_("保存调查记录"), intro=intro)
