"""A person's rehabilitation file, needs, and the ledger of services delivered."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.selectors import person_list_for_user
from fedportal.accounts.permissions import Perm, has_perm, require_perm
from fedportal.core.forms import message_errors, run_service
from fedportal.core.search_tokens import search_by_token
from fedportal.core.sensitive import mask_for, masked_rows, may_reveal

from .. import exports, services
from ..filters import NeedFilter, ServiceRecordFilter
from ..forms import NeedForm, ServiceRecordForm
from ..models import NeedSource, NeedStatus, ServiceType
from ..selectors import (
    child_rescue_list_for_user,
    fitting_list_for_user,
    need_get_for_user,
    need_list_for_user,
    plan_list_for_user,
    rehab_person_get_for_user,
    renovation_list_for_user,
    service_record_list_for_user,
    survey_record_list_for_user,
)
from .common import checked_parameters, done, filtered_list, paginate, render_form


def _need_or_none(request, need_id):
    if not need_id:
        return None
    try:
        return need_get_for_user(user=request.user, need_id=int(need_id))
    except ValueError:
        return None


@require_perm(Perm.REHAB_VIEW)
@checked_parameters
@search_by_token("q")
def person_search(request):
    query = request.search.get("q", "").strip()
    persons = person_list_for_user(user=request.user).select_related("township", "village").none()
    if query:
        persons = person_list_for_user(user=request.user).select_related("township", "village")
        if query[:1].isdigit():
            persons = persons.filter(id_number__startswith=query.upper())
        else:
            persons = persons.filter(name__startswith=query)
        persons = persons.order_by("name", "pk")
    page, query_string = paginate(request, masked_rows(persons, request.user), per_page=30)
    return render(
        request,
        "rehab/person_search.html",
        {"page": page, "query_string": query_string, "q": query, "may_reveal": may_reveal(request.user)},
    )


@require_perm(Perm.REHAB_VIEW)
def person_rehab(request, person_id):
    person = rehab_person_get_for_user(user=request.user, person_id=person_id)
    user = request.user
    return render(
        request,
        "rehab/person_rehab.html",
        {
            "person": person,
            "masked_id": person.masked.id_number,
            "needs": need_list_for_user(user=user).filter(person=person),
            "fittings": fitting_list_for_user(user=user).filter(person=person),
            "plans": plan_list_for_user(user=user).filter(person=person),
            "rescues": child_rescue_list_for_user(user=user).filter(person=person),
            "renovations": renovation_list_for_user(user=user).filter(person=person),
            "service_records": service_record_list_for_user(user=user).filter(person=person)[:50],
            "survey_records": survey_record_list_for_user(user=user)
            .filter(person=person)
            .select_related("survey_round"),
            "can_edit": has_perm(user, Perm.REHAB_EDIT),
        },
    )


@require_perm(Perm.REHAB_VIEW)
@checked_parameters
def need_list(request):
    needs = NeedFilter(request.GET, queryset=need_list_for_user(user=request.user), request=request)
    return filtered_list(
        request,
        needs,
        template="rehab/need_list.html",
        export=exports.NEEDS,
        need_types=ServiceType.choices,
        statuses=NeedStatus.choices,
        sources=NeedSource.choices,
    )


@require_perm(Perm.REHAB_VIEW)
def need_detail(request, pk):
    need = need_get_for_user(user=request.user, need_id=pk)
    return render(
        request,
        "rehab/need_detail.html",
        {
            "need": need,
            "masked_id": mask_for(request.user, need.person.id_number),
            "fittings": need.fittings.all(),
            "services": need.services.select_related("provider"),
            "can_edit": has_perm(request.user, Perm.REHAB_EDIT),
        },
    )


@require_perm(Perm.REHAB_EDIT)
def need_create(request, person_id):
    person = rehab_person_get_for_user(user=request.user, person_id=person_id)
    form = NeedForm(request.POST or None)
    back = reverse("rehab:person_rehab", args=[person.pk])
    if request.method == "POST" and form.is_valid():
        need = run_service(
            form, lambda: services.need_create(person=person, acting_user=request.user, **form.cleaned_data)
        )
        if need:
            return done(
                request, _("已登记需求：%(need)s") % {"need": need}, reverse("rehab:need_detail", args=[need.pk])
            )
    return render_form(request, form, title=_("登记康复需求"), back_url=back, submit=_("保存"), subject=person)


@require_perm(Perm.REHAB_EDIT)
@require_POST
def need_cancel(request, pk):
    need = need_get_for_user(user=request.user, need_id=pk)
    from django.contrib import messages
    from django.core.exceptions import ValidationError

    try:
        services.need_cancel(need=need, acting_user=request.user)
        messages.success(request, _("已取消该需求。"))
    except ValidationError as error:
        message_errors(request, error)
    return redirect("rehab:need_detail", pk=need.pk)


@require_perm(Perm.REHAB_VIEW)
@checked_parameters
@search_by_token("q")
def service_list(request):
    records = ServiceRecordFilter(
        request.search, queryset=service_record_list_for_user(user=request.user), request=request
    )
    return filtered_list(
        request,
        records,
        template="rehab/service_list.html",
        export=exports.SERVICE_RECORDS,
        service_types=ServiceType.choices,
    )


@require_perm(Perm.REHAB_EDIT)
@checked_parameters
def service_create(request, person_id):
    person = rehab_person_get_for_user(user=request.user, person_id=person_id)
    need = _need_or_none(request, request.GET.get("need"))
    initial = {"service_type": need.need_type} if need else {}
    form = ServiceRecordForm(request.POST or None, initial=initial)
    back = reverse("rehab:person_rehab", args=[person.pk])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matching_need = need if need and need.need_type == data["service_type"] else None
        record = run_service(
            form,
            lambda: services.service_record_create(person=person, need=matching_need, acting_user=request.user, **data),
        )
        if record:
            return done(request, _("已登记服务记录。"), back)
    return render_form(
        request,
        form,
        title=_("登记服务（康复训练、手术、家庭医生、服药补助）"),
        back_url=back,
        submit=_("保存"),
        subject=person,
    )
