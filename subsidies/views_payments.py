"""Thin views of the payment loop after computation: the run review by section, the approval confirmation, sheet and
PDF exports as jobs, the bank's returns, and the failed payments held for a corrected account."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.selectors import township_list_for_user
from fedportal.accounts.permissions import Perm, has_perm, require_any_perm, require_perm
from fedportal.audit.models import SensitiveField
from fedportal.audit.services import sensitive_access_record
from fedportal.core.search_tokens import SEARCH_PARAM, search_by_token
from fedportal.jobs.models import Job
from fedportal.jobs.progress import live_progress
from fedportal.jobs.services import JobEnqueueError

from . import selectors, selectors_payments
from .exports import SHEET_JOB, payment_sheet_job_start, run_banks
from .forms import AccountCorrectForm, ApproveConfirmForm, BankReturnForm, FailedPaymentFilterForm, ReviewFilterForm
from .models import RunStatus
from .services import payment_run_approve_start
from .services.bank_returns import bank_return_upload, payment_account_correct
from .services.runs import approval_job_in_progress, approval_job_latest


def _bad_parameters(request, form):
    """A filter the page cannot apply: a 400 that names the parameter and what is wrong with it."""
    return render(request, "400_parameters.html", {"form": form}, status=400)


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _section_labels():
    # Evaluated per request, so the labels follow the active language.
    return {
        selectors_payments.SECTION_LINES: _("发放明细"),
        selectors_payments.SECTION_NEW: _("新增"),
        selectors_payments.SECTION_STOPS: _("停发"),
        selectors_payments.SECTION_CHANGED: _("金额变化"),
        selectors_payments.SECTION_BACKPAY: _("补发"),
        selectors_payments.SECTION_RECOVERY: _("追回"),
        selectors_payments.SECTION_RESEND: _("重发"),
    }


@require_perm(Perm.PAYMENT_RUN_VIEW)
@search_by_token("q")
def payment_run_detail(request, run_id: int):
    run = selectors.payment_run_get_for_user(user=request.user, run_id=run_id)
    computing = run.job is not None and not run.job.is_finished
    reviewable = bool(run.computed_at) and not computing
    section = request.GET.get("section") or selectors_payments.SECTION_LINES
    if section not in selectors_payments.SECTIONS:
        section = selectors_payments.SECTION_LINES
    filters = ReviewFilterForm(request.search, user=request.user)
    context = {
        "run": run,
        "computing": computing,
        "review": reviewable,
        "section": section,
        "filters": filters,
        "townships": filters.fields["township"].queryset,
    }
    if reviewable:
        township_id, q = None, ""
        if filters.is_valid():
            township = filters.cleaned_data["township"]
            township_id, q = (township.pk if township else None), filters.cleaned_data["q"]
        rows = selectors_payments.run_section(user=request.user, run=run, section=section, township_id=township_id, q=q)
        if not filters.is_valid():
            rows = rows.none()  # a township outside the user's scope (or none such) shows nothing, never everything
        counts = selectors_payments.run_section_counts(user=request.user, run=run, township_id=township_id, q=q)
        paginator = Paginator(rows, 50)
        if filters.is_valid():
            paginator.count = counts[section]  # counted (and kept) with the other sections: not counted twice
        page = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        labels = _section_labels()
        context.update(
            {
                "page": page,
                "rows": selectors_payments.decorate_rows(
                    user=request.user, run=run, section=section, rows=page.object_list
                ),
                "query_string": query.urlencode(),
                # The search stays under its token (fedportal/core/search_tokens.py), never as q= in a link.
                "filter_query": "&".join(
                    f"{key}={value}"
                    for key, value in (("township", township_id or ""), (SEARCH_PARAM, request.GET.get(SEARCH_PARAM)))
                    if value
                ),
                "tabs": [(key, labels[key], counts[key]) for key in selectors_payments.SECTIONS],
                "section_label": labels[section],
                "previous": selectors.previous_approved_run(run),
                "by_township": selectors_payments.run_township_summary(user=request.user, run=run),
            }
        )
    approval_job = approval_job_latest(run) if run.status == RunStatus.DRAFT else None
    if approval_job is not None and approval_job.is_finished and selectors.run_status_now(run=run) != RunStatus.DRAFT:
        # Approved between reading the run and reading its job: a finished job shows no progress to poll, so this
        # page would stay a draft's; the page of the approved run instead.
        return redirect(request.get_full_path())
    approving = approval_job is not None and not approval_job.is_finished
    context["approval_job"] = approval_job
    approvable = (
        run.status == RunStatus.DRAFT
        and has_perm(request.user, Perm.PAYMENT_RUN_APPROVE)
        and run.computed_at
        and not computing
        and not approving
    )
    may_export = run.status == RunStatus.APPROVED and has_perm(request.user, Perm.PAYMENT_EXPORT)
    if may_export:
        context.update(
            {
                "banks": run_banks(run),
                "export_jobs": list(
                    Job.objects.filter(kind=SHEET_JOB, params__run_id=run.pk, created_by=request.user).order_by(
                        "-created_at"
                    )[:6]
                ),
                "returns": selectors_payments.bank_return_list_for_user(user=request.user, run=run)[:10],
                "results": selectors_payments.run_results_summary(user=request.user, run=run),
            }
        )
        context["return_form"] = BankReturnForm(banks=[b["bank"] for b in context["banks"]])
        for job in context["export_jobs"]:
            job.live = live_progress(job)
    context.update(
        {
            "may_approve": approvable and run.created_by_id != request.user.pk,
            "own_run": approvable and run.created_by_id == request.user.pk,
            "may_recompute": run.status == RunStatus.DRAFT and has_perm(request.user, Perm.PAYMENT_RUN_CREATE),
            "may_export": may_export,
        }
    )
    return render(request, "subsidies/payment_run_detail.html", context)


@require_perm(Perm.PAYMENT_RUN_APPROVE)
def payment_run_approve_confirm(request, run_id: int):
    """Approval asks for confirmation: the lines and the total (and back pay, 重发, recovery, stops) are shown, and
    the figures confirmed travel with the request."""
    run = selectors.payment_run_get_for_user(user=request.user, run_id=run_id)
    initial = {"expected_lines": run.lines_count, "expected_total": run.total}
    form = ApproveConfirmForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            payment_run_approve_start(
                run=run,
                acting_user=request.user,
                expected_lines=form.cleaned_data["expected_lines"],
                expected_total=form.cleaned_data["expected_total"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        except JobEnqueueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("审批已开始：发放明细正在锁定，完成后本页自动刷新。"))
            return redirect("subsidies:payment_run_detail", run_id=run.pk)
    computing = (run.job is not None and not run.job.is_finished) or approval_job_in_progress(run) is not None
    return render(
        request,
        "subsidies/payment_run_approve.html",
        {
            "run": run,
            "form": form,
            "own_run": run.created_by_id == request.user.pk,
            "ready": run.status == RunStatus.DRAFT and run.computed_at and not computing,
        },
    )


@require_perm(Perm.PAYMENT_EXPORT)
@require_POST
def payment_run_export(request, run_id: int):
    """Start a sheet or PDF job; the run page shows its progress bar and the file when it is ready."""
    run = selectors.payment_run_get_for_user(user=request.user, run_id=run_id)
    kind = "pdf" if request.POST.get("format") == "pdf" else "xlsx"
    township_id = request.POST.get("township") or None
    if township_id is not None:
        township_id = (
            township_list_for_user(user=request.user).filter(pk=township_id).values_list("pk", flat=True).first()
        )
    bank = request.POST.get("bank")
    if bank is not None:
        bank = bank[5:] if bank.startswith("bank:") else None
    try:
        payment_sheet_job_start(
            run=run, acting_user=request.user, kind=kind, township_id=township_id, bank=bank, request=request
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已开始生成文件，完成后可在下方下载。"))
    return redirect(reverse("subsidies:payment_run_detail", kwargs={"run_id": run.pk}) + "#exports")


@require_perm(Perm.PAYMENT_EXPORT)
@require_POST
def bank_return_upload_view(request, run_id: int):
    run = selectors.payment_run_get_for_user(user=request.user, run_id=run_id)
    form = BankReturnForm(request.POST, request.FILES, banks=[b["bank"] for b in run_banks(run)])
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("subsidies:payment_run_detail", run_id=run.pk)
    upload = form.cleaned_data["file"]
    try:
        bank_return = bank_return_upload(
            run=run,
            content=upload.read(),
            file_name=upload.name,
            bank_name=form.cleaned_data["bank"],
            acting_user=request.user,
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("subsidies:payment_run_detail", run_id=run.pk)
    return redirect("subsidies:bank_return_detail", return_id=bank_return.pk)


@require_perm(Perm.PAYMENT_EXPORT)
@search_by_token("q")
def bank_return_detail(request, return_id: int):
    """One return: the file, who recorded it, its errors or its results line by line."""
    bank_return = selectors_payments.bank_return_get_for_user(user=request.user, return_id=return_id)
    filters = ReviewFilterForm(request.search, user=request.user)
    if not filters.is_valid():
        return _bad_parameters(request, filters)
    status = request.GET.get("status", "")
    township_id, q = None, ""
    if filters.is_valid():
        township = filters.cleaned_data["township"]
        township_id, q = (township.pk if township else None), filters.cleaned_data["q"]
    rows = selectors_payments.return_results(
        user=request.user, bank_return=bank_return, status=status, township_id=township_id, q=q
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "subsidies/bank_return_detail.html",
        {
            "bank_return": bank_return,
            "run": bank_return.run,
            "filters": filters,
            "status": status,
            "page": page,
            "rows": selectors_payments.decorate_rows(
                user=request.user, run=bank_return.run, section="lines", rows=page.object_list
            ),
            "query_string": query.urlencode(),
            "results": selectors_payments.run_results_summary(user=request.user, run=bank_return.run),
            "live": live_progress(bank_return.job) if bank_return.job else None,
        },
    )


@require_perm(Perm.PAYMENT_EXPORT)
def bank_return_file(request, return_id: int):
    """The return file as uploaded. It carries full ID and account numbers: every download is logged."""
    bank_return = selectors_payments.bank_return_get_for_user(user=request.user, return_id=return_id)
    if not bank_return.file:
        raise Http404
    sensitive_access_record(
        user=request.user,
        field=SensitiveField.EXPORT,
        detail=_("下载银行回盘文件 #%(id)s") % {"id": bank_return.pk},
        request=request,
    )
    return FileResponse(bank_return.file.open("rb"), as_attachment=True, filename=bank_return.file_name)


@require_perm(Perm.PAYMENT_RUN_VIEW)
@search_by_token("q")
def failed_payment_list(request):
    """Finance's list of failed payments: by default those held for a corrected account, each with a link to the
    person's page to correct it."""
    filters = FailedPaymentFilterForm(request.search or None, user=request.user)
    if filters.is_bound and not filters.is_valid():
        return _bad_parameters(request, filters)
    params = {"status": selectors_payments.HELD_WAITING}
    if filters.is_bound and filters.is_valid():
        data = filters.cleaned_data
        township = data["township"]
        params = {
            "status": data["status"] or selectors_payments.HELD_WAITING,
            "program": data["program"],
            "township_id": township.pk if township else None,
            "month": data["month"],
            "q": data["q"],
        }
    rows = selectors_payments.failed_payment_list_for_user(user=request.user, **params)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "subsidies/failed_payment_list.html",
        {
            "filters": filters,
            "page": page,
            "rows": selectors_payments.failed_payment_rows(user=request.user, rows=page.object_list),
            "query_string": query.urlencode(),
            "status": params["status"],
            "may_edit": has_perm(request.user, Perm.PERSON_EDIT) or has_perm(request.user, Perm.PAYMENT_ACCOUNT_EDIT),
        },
    )


@require_any_perm(Perm.PAYMENT_ACCOUNT_EDIT, Perm.PERSON_EDIT)
def failed_payment_account(request, line_id: int):
    """Correct the account a payment failed on: the link of each held payment."""
    line = (
        selectors_payments.failed_payment_list_for_user(user=request.user, status=selectors_payments.HELD_ALL)
        .filter(pk=line_id)
        .first()
    )
    if line is None:
        raise Http404
    person = line.person
    form = AccountCorrectForm(request.POST or None, initial={"bank_name": person.bank_name, "version": person.version})
    if request.method == "POST" and form.is_valid():
        try:
            payment_account_correct(
                line=line,
                social_security_card=form.cleaned_data["social_security_card"],
                bank_name=form.cleaned_data["bank_name"],
                expected_version=form.cleaned_data["version"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(
                request, _("已更正 %(name)s 的账户；该项目下一批次将按原所属期、原金额重发。") % {"name": person.name}
            )
            return redirect("subsidies:failed_payment_list")
    return render(
        request,
        "subsidies/failed_payment_account.html",
        {
            "line": line,
            "item": selectors_payments.failed_payment_rows(user=request.user, rows=[line])[0],
            "form": form,
        },
    )
