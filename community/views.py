"""Community services: thin views over the selectors (reads, scoped) and services (writes, authorized)."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.selectors import person_get_for_user, township_list_for_user
from fedportal.accounts.permissions import Perm, has_perm, require_perm, township_scope
from fedportal.core.clock import local_today
from fedportal.core.forms import run_service

from . import forms, selectors, services


def _period(request):
    """The year chosen on a list or the overview (this year by default) and the township filter."""
    form = forms.YearFilterForm(request.GET)
    if not form.is_valid():
        return None
    year = form.cleaned_data["year"] or local_today().year
    township = township_scope(request.user) or form.cleaned_data["township"]
    return year, township


def _bad_filter(request):
    """The filter's own messages on the page for bad parameters (400), never a server error."""
    form = forms.YearFilterForm(request.GET)
    form.is_valid()
    return render(request, "400_parameters.html", {"form": form}, status=400)


def _page(request, queryset):
    params = request.GET.copy()
    params.pop("page", None)
    return Paginator(queryset, 50).get_page(request.GET.get("page")), params.urlencode()


def _form_page(request, form, *, title: str, back_url: str, subject=None):
    return render(
        request,
        "community/form.html",
        {"form": form, "title": title, "back_url": back_url, "subject": subject},
    )


def _done(request, message: str, url: str):
    messages.success(request, message)
    return redirect(url)


def _list(request, template: str, queryset, *, date_field: str, township_field: str, **context):
    period = _period(request)
    if period is None:
        return _bad_filter(request)
    year, township = period
    queryset = queryset.filter(**{f"{date_field}__year": year})
    if township:
        queryset = queryset.filter(**{township_field: township})

    page, query_string = _page(request, queryset)
    return render(
        request,
        template,
        {
            "page": page,
            "query_string": query_string,
            "year": year,
            "selected_township": township,
            "townships": township_list_for_user(user=request.user).order_by("code"),
            "township_scope": township_scope(request.user),
            "can_edit": has_perm(request.user, Perm.COMMUNITY_EDIT),
            **context,
        },
    )


def _create(request, form_class, service, *, title: str, back_url: str, success: str, form_kwargs=None, extra=None):
    form_kwargs = {"user": request.user, **(form_kwargs or {})}
    form = form_class(request.POST or None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, **(extra or {})}
        result = run_service(form, lambda: service(**data, acting_user=request.user))
        if result is not None:
            return _done(request, success, back_url)
    return _form_page(request, form, title=title, back_url=back_url, subject=form_kwargs.get("person"))


# ---------------------------------------------------------------- overview


@require_perm(Perm.COMMUNITY_VIEW)
def home(request):
    period = _period(request)
    if period is None:
        return _bad_filter(request)
    year, _township = period
    figures = selectors.community_figures(user=request.user, start=date(year, 1, 1), end=date(year, 12, 31))
    return render(request, "community/home.html", {"figures": figures, "year": year})


# ---------------------------------------------------------------- employment


@require_perm(Perm.COMMUNITY_VIEW)
def training_list(request):
    return _list(
        request,
        "community/training_list.html",
        selectors.training_session_list_for_user(user=request.user),
        date_field="start_date",
        township_field="township_id",
    )


@require_perm(Perm.COMMUNITY_EDIT)
def training_create(request):
    return _create(
        request,
        forms.TrainingSessionForm,
        services.training_session_create,
        title=_("新增培训班"),
        back_url=reverse("community:training_list"),
        success=_("培训班已登记。"),
    )


@require_perm(Perm.COMMUNITY_VIEW)
def training_detail(request, pk: int):
    session = selectors.training_session_get_for_user(user=request.user, pk=pk)
    form = forms.AttendeeForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not has_perm(request.user, Perm.COMMUNITY_EDIT):
            return HttpResponseBadRequest()
        if form.is_valid():
            data = form.cleaned_data
            added = run_service(
                form,
                lambda: services.training_attendance_add(
                    session=session, person=data["person"], completed=data["completed"], acting_user=request.user
                ),
            )
            if added is not None:
                return _done(request, _("已加入学员名单：%(name)s") % {"name": added.person.name}, request.path)
    attendances = selectors.training_attendance_list_for_user(user=request.user, session=session).order_by(
        "person__township__code", "person__name"
    )
    return render(
        request,
        "community/training_detail.html",
        {
            "session": session,
            "attendances": attendances,
            "form": form,
            "can_edit": has_perm(request.user, Perm.COMMUNITY_EDIT),
        },
    )


@require_perm(Perm.COMMUNITY_EDIT)
@require_POST
def attendance_remove(request, pk: int):
    attendance = selectors.training_attendance_get_for_user(user=request.user, pk=pk)
    session_id = attendance.session_id
    services.training_attendance_remove(attendance=attendance, acting_user=request.user)
    return _done(request, _("已移出学员名单。"), reverse("community:training_detail", args=[session_id]))


@require_perm(Perm.COMMUNITY_VIEW)
def job_fair_list(request):
    return _list(
        request,
        "community/job_fair_list.html",
        selectors.job_fair_list_for_user(user=request.user),
        date_field="held_on",
        township_field="township_id",
    )


@require_perm(Perm.COMMUNITY_EDIT)
def job_fair_create(request):
    return _create(
        request,
        forms.JobFairForm,
        services.job_fair_create,
        title=_("新增招聘会"),
        back_url=reverse("community:job_fair_list"),
        success=_("招聘会已登记。"),
    )


@require_perm(Perm.COMMUNITY_VIEW)
def referral_list(request):
    return _list(
        request,
        "community/referral_list.html",
        selectors.job_referral_list_for_user(user=request.user),
        date_field="referred_on",
        township_field="person__township_id",
    )


@require_perm(Perm.COMMUNITY_EDIT)
def referral_create(request, person_id: int | None = None):
    person = person_get_for_user(user=request.user, person_id=person_id) if person_id else None
    return _create(
        request,
        forms.JobReferralForm,
        services.job_referral_create,
        title=_("登记就业推荐"),
        back_url=reverse("community:referral_list"),
        success=_("就业推荐已登记。"),
        form_kwargs={"person": person, "job_fairs": selectors.job_fair_list_for_user(user=request.user)},
    )


@require_perm(Perm.COMMUNITY_EDIT)
def referral_place(request, pk: int):
    referral = selectors.job_referral_get_for_user(user=request.user, pk=pk)
    form = forms.PlacementForm(request.POST or None)
    back = reverse("community:referral_list")
    if request.method == "POST" and form.is_valid():
        placed = run_service(
            form,
            lambda: services.job_referral_place(
                referral=referral, placed_on=form.cleaned_data["placed_on"], acting_user=request.user
            ),
        )
        if placed is not None:
            return _done(request, _("已登记实现就业。"), back)
    return _form_page(request, form, title=_("登记实现就业"), back_url=back, subject=referral)


@require_perm(Perm.COMMUNITY_VIEW)
def workshop_list(request):
    period = _period(request)
    if period is None:
        return _bad_filter(request)
    workshops = selectors.workshop_list_for_user(user=request.user)
    return render(
        request,
        "community/workshop_list.html",
        {"workshops": workshops, "can_edit": has_perm(request.user, Perm.COMMUNITY_EDIT)},
    )


@require_perm(Perm.COMMUNITY_EDIT)
def workshop_create(request):
    return _create(
        request,
        forms.WorkshopForm,
        services.workshop_create,
        title=_("新增辅助性就业机构"),
        back_url=reverse("community:workshop_list"),
        success=_("辅助性就业机构已登记。"),
    )


@require_perm(Perm.COMMUNITY_VIEW)
def workshop_detail(request, pk: int):
    workshop = selectors.workshop_get_for_user(user=request.user, pk=pk)
    form = forms.WorkshopWorkerForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not has_perm(request.user, Perm.COMMUNITY_EDIT):
            return HttpResponseBadRequest()
        if form.is_valid():
            data = form.cleaned_data
            added = run_service(
                form,
                lambda: services.workshop_worker_add(
                    workshop=workshop, person=data["person"], start_date=data["start_date"], acting_user=request.user
                ),
            )
            if added is not None:
                return _done(request, _("已登记入职：%(name)s") % {"name": added.person.name}, request.path)
    workers = selectors.workshop_worker_list_for_user(user=request.user, workshop=workshop).order_by(
        "end_date", "person__name"
    )
    return render(
        request,
        "community/workshop_detail.html",
        {
            "workshop": workshop,
            "workers": workers,
            "form": form,
            "leave_form": forms.WorkerLeaveForm(),
            "can_edit": has_perm(request.user, Perm.COMMUNITY_EDIT),
        },
    )


@require_perm(Perm.COMMUNITY_EDIT)
@require_POST
def worker_leave(request, pk: int):
    worker = selectors.workshop_worker_get_for_user(user=request.user, pk=pk)
    back = reverse("community:workshop_detail", args=[worker.workshop_id])
    form = forms.WorkerLeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的离职日期。"))
        return redirect(back)
    try:
        services.workshop_worker_leave(worker=worker, end_date=form.cleaned_data["end_date"], acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    return _done(request, _("已登记离职。"), back)


# ---------------------------------------------------------------- relief visits


@require_perm(Perm.COMMUNITY_VIEW)
def relief_list(request):
    return _list(
        request,
        "community/relief_list.html",
        selectors.relief_visit_list_for_user(user=request.user),
        date_field="visited_on",
        township_field="person__township_id",
    )


@require_perm(Perm.COMMUNITY_EDIT)
def relief_create(request, person_id: int | None = None):
    person = person_get_for_user(user=request.user, person_id=person_id) if person_id else None
    return _create(
        request,
        forms.ReliefVisitForm,
        services.relief_visit_create,
        title=_("登记走访慰问"),
        back_url=reverse("community:relief_list"),
        success=_("走访慰问已登记。"),
        form_kwargs={"person": person},
    )


# ---------------------------------------------------------------- legal aid


@require_perm(Perm.COMMUNITY_VIEW)
def case_list(request):
    return _list(
        request,
        "community/case_list.html",
        selectors.legal_case_list_for_user(user=request.user),
        date_field="opened_on",
        township_field="person__township_id",
    )


@require_perm(Perm.COMMUNITY_EDIT)
def case_create(request, person_id: int | None = None):
    person = person_get_for_user(user=request.user, person_id=person_id) if person_id else None
    return _create(
        request,
        forms.LegalCaseForm,
        services.legal_case_open,
        title=_("受理维权案件"),
        back_url=reverse("community:case_list"),
        success=_("维权案件已受理。"),
        form_kwargs={"person": person},
    )


@require_perm(Perm.COMMUNITY_EDIT)
def case_close(request, pk: int):
    case = selectors.legal_case_get_for_user(user=request.user, pk=pk)
    form = forms.LegalCaseCloseForm(request.POST or None)
    back = reverse("community:case_list")
    if request.method == "POST" and form.is_valid():
        closed = run_service(
            form, lambda: services.legal_case_close(case=case, **form.cleaned_data, acting_user=request.user)
        )
        if closed is not None:
            return _done(request, _("案件已办结。"), back)
    return _form_page(request, form, title=_("办结维权案件"), back_url=back, subject=case)


# ---------------------------------------------------------------- culture and sports


@require_perm(Perm.COMMUNITY_VIEW)
def event_list(request):
    return _list(
        request,
        "community/event_list.html",
        selectors.culture_event_list_for_user(user=request.user),
        date_field="held_on",
        township_field="township_id",
    )


@require_perm(Perm.COMMUNITY_EDIT)
def event_create(request):
    return _create(
        request,
        forms.CultureEventForm,
        services.culture_event_create,
        title=_("新增文体活动"),
        back_url=reverse("community:event_list"),
        success=_("文体活动已登记。"),
    )


@require_perm(Perm.COMMUNITY_VIEW)
def event_detail(request, pk: int):
    event = selectors.culture_event_get_for_user(user=request.user, pk=pk)
    form = forms.ParticipantForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not has_perm(request.user, Perm.COMMUNITY_EDIT):
            return HttpResponseBadRequest()
        if form.is_valid():
            added = run_service(
                form,
                lambda: services.event_participant_add(
                    event=event, person=form.cleaned_data["person"], acting_user=request.user
                ),
            )
            if added is not None:
                return _done(request, _("已加入参与者名单：%(name)s") % {"name": added.person.name}, request.path)
    participations = selectors.event_participation_list_for_user(user=request.user, event=event).order_by(
        "person__name"
    )
    return render(
        request,
        "community/event_detail.html",
        {
            "event": event,
            "participations": participations,
            "form": form,
            "can_edit": has_perm(request.user, Perm.COMMUNITY_EDIT),
        },
    )


# ---------------------------------------------------------------- early detection


@require_perm(Perm.COMMUNITY_VIEW)
def screening_list(request):
    return _list(
        request,
        "community/screening_list.html",
        selectors.screening_tally_list_for_user(user=request.user),
        date_field="month",
        township_field="township_id",
    )


@require_perm(Perm.COMMUNITY_EDIT)
def screening_record(request):
    return _create(
        request,
        forms.ScreeningTallyForm,
        services.screening_tally_record,
        title=_("登记儿童残疾筛查数据"),
        back_url=reverse("community:screening_list"),
        success=_("筛查数据已登记。"),
    )


@require_perm(Perm.COMMUNITY_VIEW)
def suspected_list(request):
    return _list(
        request,
        "community/suspected_list.html",
        selectors.suspected_report_list_for_user(user=request.user),
        date_field="reported_on",
        township_field="township_id",
    )


@require_perm(Perm.COMMUNITY_EDIT)
def suspected_create(request):
    return _create(
        request,
        forms.SuspectedReportForm,
        services.suspected_report_create,
        title=_("登记疑似残疾人报告"),
        back_url=reverse("community:suspected_list"),
        success=_("疑似残疾人报告已登记。"),
    )


@require_perm(Perm.COMMUNITY_EDIT)
def suspected_resolve(request, pk: int):
    report = selectors.suspected_report_get_for_user(user=request.user, pk=pk)
    form = forms.SuspectedResolveForm(request.POST or None, user=request.user)
    back = reverse("community:suspected_list")
    if request.method == "POST" and form.is_valid():
        resolved = run_service(
            form,
            lambda: services.suspected_report_resolve(report=report, **form.cleaned_data, acting_user=request.user),
        )
        if resolved is not None:
            return _done(request, _("报告已处理。"), back)
    return _form_page(request, form, title=_("处理疑似残疾人报告"), back_url=back, subject=report)
