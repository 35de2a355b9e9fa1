"""Assistive-device fitting: need -> assessment -> fitting -> follow-up."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fedportal.accounts.permissions import Perm, has_perm, require_perm
from fedportal.core.forms import message_errors, run_service
from fedportal.core.sensitive import mask_for

from .. import exports, services
from ..filters import FittingFilter
from ..forms import FittingAssessForm, FittingFitForm, FittingFollowUpForm, FittingStartForm
from ..models import DeviceType, FittingStatus
from ..selectors import fitting_get_for_user, fitting_list_for_user, need_get_for_user, rehab_person_get_for_user
from .common import checked_parameters, done, filtered_list, render_form


@require_perm(Perm.REHAB_VIEW)
@checked_parameters
def fitting_list(request):
    fittings = FittingFilter(request.GET, queryset=fitting_list_for_user(user=request.user), request=request)
    return filtered_list(
        request,
        fittings,
        template="rehab/fitting_list.html",
        export=exports.FITTINGS,
        statuses=FittingStatus.choices,
        device_types=DeviceType.choices,
    )


@require_perm(Perm.REHAB_VIEW)
def fitting_detail(request, pk):
    fitting = fitting_get_for_user(user=request.user, fitting_id=pk)
    return render(
        request,
        "rehab/fitting_detail.html",
        {
            "fitting": fitting,
            "masked_id": mask_for(request.user, fitting.person.id_number),
            "can_edit": has_perm(request.user, Perm.REHAB_EDIT),
        },
    )


@require_perm(Perm.REHAB_EDIT)
@require_POST
def need_to_fitting(request, pk):
    need = need_get_for_user(user=request.user, need_id=pk)
    try:
        fitting = services.fitting_from_need(need=need, acting_user=request.user)
    except ValidationError as error:
        message_errors(request, error)
        return redirect("rehab:need_detail", pk=need.pk)
    messages.success(request, _("已转为辅具适配，请录入评估结果。"))
    return redirect("rehab:fitting_detail", pk=fitting.pk)


@require_perm(Perm.REHAB_EDIT)
def fitting_create(request, person_id):
    person = rehab_person_get_for_user(user=request.user, person_id=person_id)
    form = FittingStartForm(request.POST or None)
    back = reverse("rehab:person_rehab", args=[person.pk])
    if request.method == "POST" and form.is_valid():
        fitting = run_service(
            form, lambda: services.fitting_start(person=person, acting_user=request.user, **form.cleaned_data)
        )
        if fitting:
            return done(
                request, _("已建立辅具适配，请录入评估结果。"), reverse("rehab:fitting_detail", args=[fitting.pk])
            )
    return render_form(request, form, title=_("新建辅具适配"), back_url=back, submit=_("保存"), subject=person)


def _step(request, pk, form_class, call, *, title, message):
    fitting = fitting_get_for_user(user=request.user, fitting_id=pk)
    form = form_class(request.POST or None)
    back = reverse("rehab:fitting_detail", args=[pk])
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: call(fitting, form.cleaned_data)):
        return done(request, message, back)
    return render_form(
        request,
        form,
        title=title,
        back_url=back,
        submit=_("保存"),
        subject=fitting.person,
        intro=fitting.get_device_type_display(),
    )


@require_perm(Perm.REHAB_EDIT)
def fitting_assess(request, pk):
    return _step(
        request,
        pk,
        FittingAssessForm,
        lambda f, data: services.fitting_assess(fitting=f, acting_user=request.user, **data),
        title=_("录入适配评估"),
        message=_("已录入评估结果。"),
    )


@require_perm(Perm.REHAB_EDIT)
def fitting_fit(request, pk):
    return _step(
        request,
        pk,
        FittingFitForm,
        lambda f, data: services.fitting_fit(fitting=f, acting_user=request.user, **data),
        title=_("录入适配"),
        message=_("已适配，请在回访后结案。"),
    )


@require_perm(Perm.REHAB_EDIT)
def fitting_followup(request, pk):
    return _step(
        request,
        pk,
        FittingFollowUpForm,
        lambda f, data: services.fitting_follow_up(fitting=f, acting_user=request.user, **data),
        title=_("回访结案"),
        message=_("已回访结案。"),
    )


@require_perm(Perm.REHAB_EDIT)
@require_POST
def fitting_cancel(request, pk):
    fitting = fitting_get_for_user(user=request.user, fitting_id=pk)
    try:
        services.fitting_cancel(fitting=fitting, acting_user=request.user)
        messages.success(request, _("已取消该适配。"))
    except ValidationError as error:
        message_errors(request, error)
    return redirect("rehab:fitting_detail", pk=fitting.pk)
