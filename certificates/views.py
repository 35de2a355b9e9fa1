"""Certificate views: thin — one selector or service per request."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.selectors import person_get_for_user
from fedportal.accounts.permissions import Perm, has_perm, require_perm
from fedportal.audit.models import SensitiveField
from fedportal.audit.services import sensitive_access_record
from fedportal.core.clock import local_today
from fedportal.core.forms import apply_errors
from fedportal.core.pagination import CachedCountPaginator
from fedportal.core.search_tokens import search_by_token

from . import services
from .filters import CertificateFilter
from .forms import (
    AssessmentForm,
    AssessmentRejectForm,
    AssessmentReviewForm,
    CancelForm,
    ChangeForm,
    IssueForm,
    ReissueForm,
    RenewForm,
    TransferInForm,
    TransferOutForm,
)
from .pdfs import application_form_pdf as render_application_form
from .selectors import (
    assessment_get_for_user,
    assessments_waiting_for_review,
    certificate_events_recent_for_user,
    certificate_get_for_user,
    certificate_list_for_page,
    certificate_list_for_user,
)

PAGE_SIZE = 25


def _submit(request, form, call) -> bool:
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        call()
    except ValidationError as error:
        apply_errors(form, error)
        return False
    return True


def _render_action(request, *, person, form, title, submit, certificate=None, intro=""):
    return render(
        request,
        "certificates/action_form.html",
        {"person": person, "certificate": certificate, "form": form, "title": title, "submit": submit, "intro": intro},
    )


@require_perm(Perm.PERSON_VIEW)
@search_by_token("number")
def certificate_list(request):
    certificate_filter = CertificateFilter(
        request.search or None, queryset=certificate_list_for_user(user=request.user), request=request
    )
    certificates = certificate_list_for_page(certificates=certificate_filter.qs, user=request.user)
    page = CachedCountPaginator(certificates, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "certificates/certificate_list.html",
        {
            "filter": certificate_filter,
            "page": page,
            "query_string": query.urlencode(),
            "recent_events": certificate_events_recent_for_user(user=request.user, limit=10),
            "today": local_today(),
            "may_review": has_perm(request.user, Perm.CERTIFICATE_REVIEW),
        },
    )


@require_perm(Perm.PERSON_VIEW)
def certificate_detail(request, pk: int):
    certificate = certificate_get_for_user(user=request.user, certificate_id=pk)
    events = certificate.lifecycle_events.select_related("acting_user", "assessment")
    return render(
        request,
        "certificates/certificate_detail.html",
        {
            "certificate": certificate,
            "person": certificate.person,
            "events": events,
            "components": certificate.components.all(),
            "may_edit": has_perm(request.user, Perm.CERTIFICATE_EDIT),
        },
    )


@require_perm(Perm.CERTIFICATE_EDIT)
def assessment_create(request, person_pk: int):
    person = person_get_for_user(user=request.user, person_id=person_pk)
    form = AssessmentForm(request.POST or None)
    if _submit(
        request,
        form,
        lambda: services.assessment_record(person=person, acting_user=request.user, **form.service_kwargs()),
    ):
        messages.success(request, _("已登记评残结果。"))
        return redirect("cases:person_detail", pk=person.pk)
    return _render_action(
        request,
        person=person,
        form=form,
        title=_("登记评残"),
        submit=_("保存"),
        intro=_("评定结果公示 5 个工作日，期满后由县残联审核，审核通过后方可发证。"),
    )


@require_perm(Perm.CERTIFICATE_REVIEW)
def assessment_review(request, pk: int):
    assessment = assessment_get_for_user(user=request.user, assessment_id=pk)
    form = AssessmentReviewForm(request.POST or None)
    if _submit(
        request,
        form,
        lambda: services.assessment_review(assessment=assessment, acting_user=request.user, **form.cleaned_data),
    ):
        messages.success(request, _("评定结果已审核通过。"))
        return redirect("cases:person_detail", pk=assessment.person_id)
    intro = _("%(hospital)s %(date)s 评定：%(category)s%(grade)s；公示期 %(start)s 至 %(end)s。") % {
        "hospital": assessment.hospital,
        "date": assessment.assessed_on.isoformat(),
        "category": assessment.get_category_display(),
        "grade": assessment.get_grade_display(),
        "start": assessment.notice_start or "—",
        "end": assessment.notice_end or "—",
    }
    return _render_action(
        request, person=assessment.person, form=form, title=_("县级审核"), submit=_("审核通过"), intro=intro
    )


@require_perm(Perm.CERTIFICATE_REVIEW)
def assessment_worklist(request):
    """Assessments waiting for county review: review once the public notice is over, or reject with a reason."""
    page = Paginator(assessments_waiting_for_review(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "certificates/assessment_worklist.html", {"page": page, "today": local_today()})


@require_perm(Perm.CERTIFICATE_REVIEW)
def assessment_reject(request, pk: int):
    assessment = assessment_get_for_user(user=request.user, assessment_id=pk)
    form = AssessmentRejectForm(request.POST or None)
    if _submit(
        request,
        form,
        lambda: services.assessment_reject(assessment=assessment, acting_user=request.user, **form.cleaned_data),
    ):
        messages.success(request, _("已驳回 %(name)s 的评定结果。") % {"name": assessment.person.name})
        return redirect("certificates:assessment_worklist")
    intro = _("%(hospital)s %(date)s 评定：%(category)s%(grade)s。驳回后此评定不能用于办证。") % {
        "hospital": assessment.hospital,
        "date": assessment.assessed_on.isoformat(),
        "category": assessment.get_category_display(),
        "grade": assessment.get_grade_display(),
    }
    return _render_action(
        request, person=assessment.person, form=form, title=_("驳回评定结果"), submit=_("驳回"), intro=intro
    )


@require_perm(Perm.CERTIFICATE_EDIT)
def certificate_issue(request, person_pk: int):
    person = person_get_for_user(user=request.user, person_id=person_pk)
    form = IssueForm(request.POST or None, person=person)
    if _submit(
        request, form, lambda: services.certificate_issue(person=person, acting_user=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("已新办残疾人证。"))
        return redirect("cases:person_detail", pk=person.pk)
    return _render_action(request, person=person, form=form, title=_("新办残疾人证"), submit=_("发证"))


@require_perm(Perm.CERTIFICATE_EDIT)
def certificate_transfer_in(request, person_pk: int):
    person = person_get_for_user(user=request.user, person_id=person_pk)
    form = TransferInForm(request.POST or None)
    if _submit(
        request,
        form,
        lambda: services.certificate_transfer_in(person=person, acting_user=request.user, **form.service_kwargs()),
    ):
        messages.success(request, _("已办理迁入。"))
        return redirect("cases:person_detail", pk=person.pk)
    return _render_action(request, person=person, form=form, title=_("残疾人证迁入"), submit=_("办理迁入"))


def _lifecycle(request, pk, *, form_class, service, title, submit, success, intro="", form_kwargs=None):
    certificate = certificate_get_for_user(user=request.user, certificate_id=pk)
    form = form_class(request.POST or None, **(form_kwargs(certificate) if form_kwargs else {}))
    if _submit(request, form, lambda: service(certificate=certificate, acting_user=request.user, **form.cleaned_data)):
        messages.success(request, success)
        return redirect("cases:person_detail", pk=certificate.person_id)
    return _render_action(
        request, person=certificate.person, certificate=certificate, form=form, title=title, submit=submit, intro=intro
    )


@require_perm(Perm.CERTIFICATE_EDIT)
def certificate_renew(request, pk: int):
    return _lifecycle(
        request,
        pk,
        form_class=RenewForm,
        service=services.certificate_renew,
        title=_("换领残疾人证"),
        submit=_("换领"),
        success=_("已换领，新证有效期 10 年。"),
        intro=_("到期前 180 天内可换领；第二代证可随时换领第三代证。原证自换领日起失效。"),
    )


@require_perm(Perm.CERTIFICATE_EDIT)
def certificate_change(request, pk: int):
    return _lifecycle(
        request,
        pk,
        form_class=ChangeForm,
        service=services.certificate_change,
        title=_("类别/等级变更"),
        submit=_("变更"),
        success=_("已变更类别/等级，证号随之改变。"),
        intro=_("变更须依据新的、经县级审核的评定结果。"),
        form_kwargs=lambda certificate: {"person": certificate.person},
    )


@require_perm(Perm.CERTIFICATE_EDIT)
def certificate_reissue(request, pk: int):
    return _lifecycle(
        request,
        pk,
        form_class=ReissueForm,
        service=services.certificate_reissue,
        title=_("挂失补办"),
        submit=_("补办"),
        success=_("已补办，补办的证件有效期与原证相同。"),
    )


@require_perm(Perm.CERTIFICATE_EDIT)
def certificate_transfer_out(request, pk: int):
    return _lifecycle(
        request,
        pk,
        form_class=TransferOutForm,
        service=services.certificate_transfer_out,
        title=_("残疾人证迁出"),
        submit=_("办理迁出"),
        success=_("已办理迁出。"),
    )


@require_perm(Perm.CERTIFICATE_EDIT)
def certificate_cancel(request, pk: int):
    return _lifecycle(
        request,
        pk,
        form_class=CancelForm,
        service=services.certificate_cancel,
        title=_("注销残疾人证"),
        submit=_("注销"),
        success=_("已注销残疾人证。"),
        intro=_("因死亡注销的，请先在人员页面登记死亡（登记死亡时会自动注销）。"),
    )


@require_perm(Perm.PERSON_VIEW)
def application_form_pdf(request, pk: int):
    assessment = assessment_get_for_user(user=request.user, assessment_id=pk)
    # Masked unless asked for (?reveal=1) by someone who may reveal; that print is logged.
    reveal = request.GET.get("reveal") == "1" and has_perm(request.user, Perm.PERSON_REVEAL)
    if reveal:
        sensitive_access_record(
            user=request.user,
            person=assessment.person,
            field=SensitiveField.EXPORT,
            detail="残疾人证申请审批表 PDF",
            request=request,
        )
    pdf = render_application_form(assessment=assessment, user=request.user, reveal=reveal, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="application-{assessment.pk}.pdf"'
    return response
