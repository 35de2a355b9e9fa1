"""Registry views: thin — parse the request, call one selector or service, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fedportal.accounts.permissions import Perm, has_perm, require_perm
from fedportal.audit.models import SensitiveField
from fedportal.audit.services import sensitive_access_record
from fedportal.core.clock import local_today
from fedportal.core.forms import apply_errors
from fedportal.core.pagination import CachedCountPaginator
from fedportal.core.search_tokens import search_by_token, search_params
from fedportal.core.sensitive import mask_persons

from . import hooks, services
from .exports import person_export_filters, person_export_start
from .filters import PersonFilter
from .forms import (
    DeathForm,
    ExclusionEndForm,
    ExclusionForm,
    HouseholdHeadForm,
    HouseholdMemberForm,
    MoveOutForm,
    NoteForm,
    PersonCreateForm,
    PersonEditForm,
    PovertyStatusForm,
)
from .models import Person
from .pdfs import person_summary_pdf
from .person_panels import person_panels
from .selectors import (
    household_get_for_user,
    household_members,
    person_exclusions,
    person_get_for_user,
    person_list_for_page,
    person_list_for_user,
    person_notes,
    person_poverty_history,
    person_search,
    person_timeline,
    user_may_edit_person,
)

PAGE_SIZE = 25
REVEAL_FIELDS = {
    "id_number": SensitiveField.ID_NUMBER,
    "phone": SensitiveField.PHONE,
    "guardian_phone": SensitiveField.PHONE,
    "account": SensitiveField.ACCOUNT,
}


def _editable_person(request, pk: int) -> Person:
    person = person_get_for_user(user=request.user, person_id=pk)
    if not user_may_edit_person(user=request.user, person=person):
        raise PermissionDenied
    return person


def _run(form, action) -> bool:
    """Call a service with the form's data; its ValidationError lands on the form."""
    if not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ValidationError as error:
        apply_errors(form, error)
        return False
    return True


def _query_string(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_perm(Perm.PERSON_VIEW)
@search_by_token("q")
def person_list(request):
    person_filter = PersonFilter(
        request.search or None, queryset=person_list_for_user(user=request.user), request=request
    )
    page = CachedCountPaginator(person_list_for_page(persons=person_filter.qs, user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/person_list.html",
        {
            "filter": person_filter,
            "page": page,
            "query_string": _query_string(request),
            "today": local_today(),
            "can_create": has_perm(request.user, Perm.PERSON_EDIT),
            "can_export": has_perm(request.user, Perm.PERSON_EXPORT),
            "can_export_full": has_perm(request.user, Perm.PERSON_EXPORT)
            and has_perm(request.user, Perm.PERSON_REVEAL),
        },
    )


@require_perm(Perm.PERSON_EXPORT)
@require_POST
def person_export(request):
    """Start the export of the filtered list (filters in the query string) as a job, then show its progress."""
    reveal = request.POST.get("full") == "1" and has_perm(request.user, Perm.PERSON_REVEAL)
    # The list's filters, its search out of the session token (fedportal/core/search_tokens.py); an expired token
    # must not widen the export to the whole list.
    query = search_params(request, ("q",))
    if query is None:
        messages.info(request, _("查询条件已过期，请重新查询。"))
        return redirect("cases:person_list")
    filters = person_export_filters(query)
    job = person_export_start(acting_user=request.user, filters=filters, reveal=reveal, request=request)
    messages.info(request, _("导出已开始，完成后可在本页下载。"))
    return redirect("jobs:job_detail", job_id=job.pk)


@require_perm(Perm.PERSON_EDIT)
def person_create(request):
    form = PersonCreateForm(request.POST or None, user=request.user)
    if request.method == "POST":
        created = {}

        def action(data):
            created["person"] = services.person_register(acting_user=request.user, **data)

        if _run(form, action):
            messages.success(request, _("已登记 %(name)s。") % {"name": created["person"].name})
            return redirect("cases:person_detail", pk=created["person"].pk)
    return render(request, "cases/person_form.html", {"form": form, "title": _("登记残疾人")})


@require_perm(Perm.PERSON_VIEW)
def person_detail(request, pk: int):
    person = person_get_for_user(user=request.user, person_id=pk)
    may_edit = user_may_edit_person(user=request.user, person=person)
    certificate_context = hooks.certificate_queries().for_person_page(person)
    poverty_records = list(person_poverty_history(person=person))
    notes = list(person_notes(person=person))
    return render(
        request,
        "cases/person_detail.html",
        {
            "timeline": person_timeline(
                certificates=certificate_context["certificates"], poverty_records=poverty_records, notes=notes
            ),
            "person": person,
            "may_edit": may_edit,
            "may_certificate": may_edit and has_perm(request.user, Perm.CERTIFICATE_EDIT),
            "may_review": has_perm(request.user, Perm.CERTIFICATE_REVIEW),
            **certificate_context,
            "poverty_records": poverty_records,
            "exclusions": person_exclusions(person=person),
            "may_exclude": may_edit and has_perm(request.user, Perm.EXCLUSION_EDIT),
            "members": household_members(household=person.household) if person.household_id else [],
            "note_form": NoteForm(),
            "panels": person_panels(request, person),
            "today": local_today(),
        },
    )


@require_perm(Perm.PERSON_EDIT)
def person_edit(request, pk: int):
    person = _editable_person(request, pk)
    form = PersonEditForm(request.POST or None, initial=PersonEditForm.initial_for(person), user=request.user)
    current, conflicts = None, []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("original")
        try:
            services.person_update(
                person=person, expected_version=data.pop("version"), acting_user=request.user, **data
            )
        except services.StalePersonError as error:
            # Nothing is lost: the user's input stays, the other user's changes are merged in where they do not
            # collide, and the next save is based on the version now shown.
            current = error.current
            conflicts = form.merge_with(current)
            form.add_error(None, error.messages[0])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("已保存 %(name)s 的资料。") % {"name": person.name})
            return redirect("cases:person_detail", pk=person.pk)
    # The form shows the full ID, phone and account numbers (to edit them): each time it does is a view of them.
    sensitive_access_record(
        user=request.user, person=person, field=SensitiveField.EDIT_FORM, detail="person_edit", request=request
    )
    return render(
        request,
        "cases/person_form.html",
        {
            "form": form,
            "person": person,
            "current": current,
            "comparison": conflicts,
            "title": _("修改 %(name)s 的资料") % {"name": person.name},
        },
    )


@require_perm(Perm.PERSON_REVEAL)
def person_reveal(request, pk: int, field: str):
    if field not in REVEAL_FIELDS:
        raise Http404
    person = person_get_for_user(
        user=request.user, person_id=pk
    )  # scope first: another township's person is 404, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    value = getattr(person.masked, field).reveal_value()
    sensitive_access_record(user=request.user, person=person, field=REVEAL_FIELDS[field], detail=field, request=request)
    return render(request, "cases/_revealed.html", {"value": value, "field": field})


def _person_action(request, pk, *, form_class, action, title, success, submit, intro=""):
    person = _editable_person(request, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and _run(form, lambda data: action(person, data)):
        messages.success(request, success % {"name": person.name})
        return redirect("cases:person_detail", pk=person.pk)
    return render(
        request,
        "cases/action_form.html",
        {"person": person, "form": form, "title": title % {"name": person.name}, "submit": submit, "intro": intro},
    )


@require_perm(Perm.PERSON_EDIT)
def person_poverty(request, pk: int):
    return _person_action(
        request,
        pk,
        form_class=PovertyStatusForm,
        action=lambda person, data: services.poverty_status_set(person=person, acting_user=request.user, **data),
        title=_("变更 %(name)s 的低保状态"),
        success=_("已变更 %(name)s 的低保状态。"),
        submit=_("保存"),
        intro=_("当前状态记录将在新起始日期的前一天结束，并开始新的记录。"),
    )


@require_perm(Perm.EXCLUSION_EDIT)
def person_exclusion_add(request, pk: int):
    return _person_action(
        request,
        pk,
        form_class=ExclusionForm,
        action=lambda person, data: services.exclusion_record(person=person, acting_user=request.user, **data),
        title=_("登记 %(name)s 暂停/排除享受"),
        success=_("已登记 %(name)s 的暂停/排除享受记录。"),
        submit=_("登记"),
        intro=_(
            "在起始日期至结束日期之间，发放批次按类型停发相应补贴（每月按当月1日认定）："
            "工伤保险生活护理费停发护理补贴；孤儿基本生活保障停发生活补贴；择高停发所选项目；"
            "服刑、骗取补贴、年审未通过或未参加年审停发补贴。"
        ),
    )


@require_perm(Perm.EXCLUSION_EDIT)
def person_exclusion_end(request, pk: int, exclusion_pk: int):
    person = _editable_person(request, pk)
    exclusion = get_object_or_404(person.exclusions.all(), pk=exclusion_pk)
    form = ExclusionEndForm(request.POST or None)
    if request.method == "POST" and _run(
        form, lambda data: services.exclusion_end(exclusion=exclusion, acting_user=request.user, **data)
    ):
        messages.success(
            request,
            _("已结束 %(name)s 的“%(kind)s”记录。") % {"name": person.name, "kind": exclusion.get_kind_display()},
        )
        return redirect("cases:person_detail", pk=person.pk)
    return render(
        request,
        "cases/action_form.html",
        {
            "person": person,
            "form": form,
            "title": _("结束 %(name)s 的“%(kind)s”记录") % {"name": person.name, "kind": exclusion.get_kind_display()},
            "submit": _("结束"),
            "intro": _("自 %(start)s 起，依据：%(source)s。结束后，从结束日期之后认定的第一个月起恢复发放。")
            % {"start": exclusion.start_date.isoformat(), "source": exclusion.source},
        },
    )


@require_perm(Perm.PERSON_EDIT)
def person_death(request, pk: int):
    return _person_action(
        request,
        pk,
        form_class=DeathForm,
        action=lambda person, data: services.person_mark_deceased(person=person, acting_user=request.user, **data),
        title=_("登记 %(name)s 死亡"),
        success=_("已登记 %(name)s 死亡，有效证件已注销。"),
        submit=_("登记死亡"),
        intro=_("登记后，此人的有效残疾人证将以“死亡”为由注销，补贴从次月停发。"),
    )


@require_perm(Perm.PERSON_EDIT)
def person_move_out(request, pk: int):
    return _person_action(
        request,
        pk,
        form_class=MoveOutForm,
        action=lambda person, data: services.person_mark_moved_out(person=person, acting_user=request.user, **data),
        title=_("登记 %(name)s 户籍迁出"),
        success=_("已登记 %(name)s 户籍迁出。"),
        submit=_("登记迁出"),
        intro=_("登记后，此人的有效残疾人证随户籍迁出本县。"),
    )


@require_perm(Perm.PERSON_EDIT)
def person_note_add(request, pk: int):
    person = _editable_person(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = NoteForm(request.POST)
    if _run(form, lambda data: services.person_note_add(person=person, acting_user=request.user, **data)):
        messages.success(request, _("已添加备注。"))
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect("cases:person_detail", pk=person.pk)


@require_perm(Perm.PERSON_VIEW)
def person_pdf(request, pk: int):
    person = person_get_for_user(user=request.user, person_id=pk)
    # Masked unless asked for (?reveal=1) by someone who may reveal; that print is logged.
    reveal = request.GET.get("reveal") == "1" and has_perm(request.user, Perm.PERSON_REVEAL)
    if reveal:
        sensitive_access_record(
            user=request.user, person=person, field=SensitiveField.EXPORT, detail="人员信息表 PDF", request=request
        )
    pdf = person_summary_pdf(person=person, user=request.user, reveal=reveal, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="person-{person.pk}.pdf"'
    return response


@require_perm(Perm.PERSON_VIEW)
def household_detail(request, pk: int):
    household = household_get_for_user(user=request.user, household_id=pk)
    may_edit = has_perm(request.user, Perm.PERSON_EDIT)
    return render(
        request,
        "cases/household_detail.html",
        {
            "household": household,
            "members": person_list_for_page(persons=household_members(household=household), user=request.user),
            "may_edit": may_edit,
            "member_form": HouseholdMemberForm(),
            "head_form": HouseholdHeadForm(household=household),
            "today": local_today(),
        },
    )


def _household_action(request, pk, form_class, action, success):
    household = household_get_for_user(user=request.user, household_id=pk)
    form = form_class(request.POST or None, **({"household": household} if form_class is HouseholdHeadForm else {}))
    if request.method == "POST" and _run(form, lambda data: action(household, data)):
        messages.success(request, success)
        return redirect("cases:household_detail", pk=household.pk)
    return render(
        request,
        "cases/household_action.html",
        {"household": household, "form": form, "title": _("户 %(number)s") % {"number": household.register_number}},
    )


@require_perm(Perm.PERSON_EDIT)
def household_add_member(request, pk: int):
    def action(household, data):
        person = person_list_for_user(user=request.user).filter(id_number=data["id_number"]).first()
        if person is None:
            raise ValidationError(
                {"id_number": _("未找到身份证号为 %(n)s 的登记人员（或不在您的管辖范围）。") % {"n": data["id_number"]}}
            )
        services.household_add_member(
            household=household, person=person, relation=data["relation"], acting_user=request.user
        )

    return _household_action(request, pk, HouseholdMemberForm, action, _("已加入此户。"))


@require_perm(Perm.PERSON_EDIT)
def household_set_head(request, pk: int):
    return _household_action(
        request,
        pk,
        HouseholdHeadForm,
        lambda household, data: services.household_set_head(household=household, acting_user=request.user, **data),
        _("已更换户主。"),
    )


PICK_LIMIT = 10


@require_perm(Perm.PERSON_VIEW)
def person_pick(request):
    """The person picker's matches (an htmx fragment): a name, or any four or more digits of an ID, phone, register
    or certificate number, within the user's scope, ID numbers masked."""
    # Posted by the picker (hx-post): a typed full number stays out of the URL (fedportal/core/search_tokens.py).
    query = (request.POST.get("pick_q") or request.GET.get("pick_q", "")).strip()
    matches = []
    if query:
        persons = person_search(persons=person_list_for_user(user=request.user), query=query).select_related(
            "township", "village"
        )
        matches = [
            {"person": person, "masked_id": person.masked.id_number}
            for person in mask_persons(request.user, persons.order_by("name", "pk")[: PICK_LIMIT + 1])
        ]
    return render(
        request,
        "cases/_person_pick_results.html",
        {"matches": matches[:PICK_LIMIT], "more": len(matches) > PICK_LIMIT, "query": query},
    )
