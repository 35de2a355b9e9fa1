"""Thin views: parse, call one service or selector, render."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.selectors import person_get_for_user, person_list_for_user
from fedportal.accounts.permissions import Perm, has_perm, require_any_perm, require_perm
from fedportal.core.clock import local_today
from fedportal.core.forms import message_errors
from fedportal.core.sensitive import mask_for
from fedportal.idnumber import normalize_id_number

from . import selectors
from .forms import (
    ApplicationForm,
    BudgetForm,
    DynamicForm,
    RunCreateForm,
    RunListFilterForm,
    StepForm,
)
from .models import ApplicationStatus, Program
from .services import (
    application_decide,
    application_eligibility,
    application_submit,
    application_township_check,
    budget_set,
    parse_period,
    payment_run_approve_start,
    payment_run_create,
    payment_run_discard,
    payment_run_recompute,
)

# Entering, checking and reviewing applications all start from the same lists and pages.
_APPLICATION_PERMS = (Perm.APPLICATION_ENTER, Perm.APPLICATION_REVIEW)


@require_any_perm(*_APPLICATION_PERMS)
def application_list(request):
    applications = selectors.application_list_for_user(user=request.user)
    status = request.GET.get("status", "")
    if status in ApplicationStatus.values:
        applications = applications.filter(status=status)
    page = Paginator(applications, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "subsidies/application_list.html",
        {
            "page": page,
            "applications": page.object_list,
            "status": status,
            "statuses": ApplicationStatus.choices,
            "query_string": f"status={status}" if status else "",
            "may_enter": has_perm(request.user, Perm.APPLICATION_ENTER),
        },
    )


class ApplicationChoiceForm(forms.Form):
    """`?person=` and `?program=` of the application page: a bad value is a 400 that names it, never a 500."""

    person = forms.IntegerField(label=_("申请人"), min_value=1, max_value=2**63 - 1, required=False)
    program = forms.RegexField(label=_("补贴项目"), regex=r"^[A-Za-z0-9_-]{1,30}$", required=False)


def _application_program_chosen(request):
    """The program step is posted, not a GET form: the picker's box may hold a typed full ID number, which must not
    become a query string. A full ID typed without choosing a match chooses that person (within the user's scope)."""
    query = QueryDict(mutable=True)
    person_id = request.POST.get("person", "")
    typed = normalize_id_number(request.POST.get("pick_q", "")).replace(" ", "").upper()
    if not person_id.isdigit() and len(typed) == 18:
        person = person_list_for_user(user=request.user).filter(id_number=typed).first()
        person_id = str(person.pk) if person else ""
    if person_id.isdigit():
        query["person"] = person_id
    if request.POST.get("program"):
        query["program"] = request.POST["program"]
    return redirect(reverse("subsidies:application_create") + (f"?{query.urlencode()}" if query else ""))


@require_perm(Perm.APPLICATION_ENTER)
def application_create(request):
    """Enter an application. `?person=<id>` (from the person page) chooses the person; `?program=<code or id>`
    chooses the program, after which the form shows only that program's fields. Without a program the page asks
    for one first."""

    if request.method == "POST" and request.POST.get("step") == "program":
        return _application_program_chosen(request)
    choice = ApplicationChoiceForm(
        {
            "person": request.POST.get("person") or request.GET.get("person") or "",
            "program": request.POST.get("program") or request.GET.get("program") or "",
        }
    )
    if not choice.is_valid():
        return render(request, "400_parameters.html", {"form": choice}, status=400)
    person_id = choice.cleaned_data["person"]
    person = person_get_for_user(user=request.user, person_id=person_id) if person_id else None
    programs = Program.objects.filter(is_active=True, accepts_applications=True)
    chosen = choice.cleaned_data["program"]
    program = (
        (programs.filter(pk=int(chosen)).first() if chosen.isdecimal() else programs.filter(code=chosen).first())
        if chosen
        else None
    )
    if program is None:
        return render(
            request,
            "subsidies/application_form.html",
            {
                "programs": programs,
                "person": person,
                "masked_id": mask_for(request.user, person.id_number) if person else "",
            },
        )
    # Full ID numbers never travel in URLs (access logs, browser history): links choose the person by id.
    form = ApplicationForm(request.POST or None, request.FILES or None, person=person, program=program)
    if request.method == "POST" and form.is_valid():
        if person is None:
            chosen = form.cleaned_data.get("person")
            persons = person_list_for_user(user=request.user)
            person = (
                persons.filter(pk=chosen) if chosen else persons.filter(id_number=form.cleaned_data["id_number"])
            ).first()
        if person is None:
            form.add_error("id_number", _("在您的辖区登记中找不到此人。"))
        else:
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("id_number", "person")}
            try:
                application = application_submit(person=person, acting_user=request.user, **data)
            except ValidationError as exc:
                message_errors(request, exc)
            else:
                messages.success(request, _("申请已录入，待乡镇初审。"))
                return redirect("subsidies:application_detail", application_id=application.pk)
    return render(
        request,
        "subsidies/application_form.html",
        {
            "form": form,
            "program": program,
            "person": person,
            "masked_id": mask_for(request.user, person.id_number) if person else "",
        },
    )


@require_any_perm(*_APPLICATION_PERMS)
def application_detail(request, application_id: int):
    application = selectors.application_get_for_user(user=request.user, application_id=application_id)
    open_ = application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.TOWNSHIP_CHECKED)
    return render(
        request,
        "subsidies/application_detail.html",
        {
            "application": application,
            "masked_id": mask_for(request.user, application.person.id_number),
            "steps": application.steps.select_related("user"),
            "reasons": application_eligibility(application) if open_ else None,
            "may_check": application.status == ApplicationStatus.SUBMITTED
            and has_perm(request.user, Perm.APPLICATION_TOWNSHIP_CHECK),
            "may_decide": application.status == ApplicationStatus.TOWNSHIP_CHECKED
            and has_perm(request.user, Perm.APPLICATION_REVIEW),
            "form": StepForm(),
        },
    )


@require_any_perm(*_APPLICATION_PERMS)
@require_POST
def application_action(request, application_id: int):
    application = selectors.application_get_for_user(user=request.user, application_id=application_id)
    form = StepForm(request.POST)
    comment = form.data.get("comment", "")
    action = request.POST.get("action")
    try:
        if action in ("check", "check_reject"):
            application_township_check(
                application=application, acting_user=request.user, comment=comment, approve=action == "check"
            )
        elif action in ("approve", "reject"):
            application_decide(
                application=application, acting_user=request.user, comment=comment, approve=action == "approve"
            )
        else:
            messages.error(request, _("未知的操作。"))
    except ValidationError as exc:
        message_errors(request, exc)
    else:
        messages.success(request, _("已办理。"))
    return redirect("subsidies:application_detail", application_id=application.pk)


@require_perm(Perm.PROGRAM_VIEW)
def dynamic_management(request):
    form = DynamicForm(request.GET or None, user=request.user)
    result = None
    if form.is_valid():
        township = form.cleaned_data["township"]
        result = selectors.dynamic_management(
            user=request.user,
            program=form.cleaned_data["program"],
            on=form.cleaned_data["on"],
            township_id=township.pk if township else None,
            view=form.cleaned_data["view"],
        )
    return render(request, "subsidies/dynamic_management.html", {"form": form, "result": result})


@require_perm(Perm.PAYMENT_RUN_VIEW)
def payment_run_list(request):
    filters = RunListFilterForm(request.GET or None)
    runs = selectors.payment_run_list_for_user(user=request.user)
    if filters.is_bound:
        runs = (
            selectors.payment_run_list_filtered(user=request.user, **filters.cleaned_data)
            if filters.is_valid()
            else runs.none()
        )
    page = Paginator(runs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "subsidies/payment_run_list.html",
        {
            "page": page,
            "runs": page.object_list,
            "filters": filters,
            "query_string": query.urlencode(),
            "form": RunCreateForm(),
            "may_create": has_perm(request.user, Perm.PAYMENT_RUN_CREATE),
        },
    )


@require_perm(Perm.PAYMENT_RUN_CREATE)
@require_POST
def payment_run_create_view(request):
    form = RunCreateForm(request.POST)
    if form.is_valid():
        program = form.cleaned_data["program"]
        try:
            period = parse_period(program, form.cleaned_data["period"])
            run = payment_run_create(
                program=program, period=period, as_of=form.cleaned_data["as_of"], acting_user=request.user
            )
        except ValidationError as exc:
            message_errors(request, exc)
        else:
            return redirect("subsidies:payment_run_detail", run_id=run.pk)
    else:
        messages.error(request, _("请填写项目和所属期。"))
    return redirect("subsidies:payment_run_list")


@require_perm(Perm.PAYMENT_RUN_VIEW)
@require_POST
def payment_run_action(request, run_id: int):
    run = selectors.payment_run_get_for_user(user=request.user, run_id=run_id)
    action = request.POST.get("action")
    needed = {
        "approve": Perm.PAYMENT_RUN_APPROVE,
        "recompute": Perm.PAYMENT_RUN_CREATE,
        "discard": Perm.PAYMENT_RUN_CREATE,
    }
    if action not in needed or not has_perm(request.user, needed[action]):
        raise PermissionDenied
    if action == "approve" and run.created_by_id != request.user.pk:
        # Approval goes through the confirmation of its lines and total (the creator is refused here as before).
        return redirect("subsidies:payment_run_approve", run_id=run.pk)
    service = {
        "approve": payment_run_approve_start,
        "recompute": payment_run_recompute,
        "discard": payment_run_discard,
    }[action]
    try:
        service(run=run, acting_user=request.user)
    except ValidationError as exc:
        message_errors(request, exc)
    else:
        messages.success(
            request,
            {"approve": _("批次已审批，已锁定。"), "recompute": _("已开始重新计算。"), "discard": _("批次已作废。")}[
                action
            ],
        )
    return redirect("subsidies:payment_run_detail", run_id=run.pk)


class YearParameterForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)


@require_perm(Perm.BUDGET_EDIT)
def budget_list(request):
    year_form = YearParameterForm(request.GET)
    if not year_form.is_valid():
        return render(request, "400_parameters.html", {"form": year_form}, status=400)
    year = year_form.cleaned_data["year"] or local_today().year
    form = BudgetForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        budget = budget_set(acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("预算已保存。"))
        return redirect(f"{request.path}?year={budget.year}")
    return render(
        request,
        "subsidies/budget_list.html",
        {"form": form, "year": year, "rows": selectors.budget_execution(year=year)},
    )
