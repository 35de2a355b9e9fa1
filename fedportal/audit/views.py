from django.shortcuts import render

from fedportal.accounts.permissions import Perm, require_perm
from fedportal.core.pagination import CachedCountPaginator
from fedportal.core.search_tokens import search_by_token
from fedportal.idnumber import normalize_id_number

from .forms import AccountEventFilterForm, AuditFilterForm
from .selectors import (
    account_event_list,
    audit_event_list,
    audited_person_by_id_number,
    sensitive_access_list,
    user_names_for_events,
)


def _filters(request):
    form = AuditFilterForm(request.search or None)
    filters = {"person": None, "user_id": None, "date_from": None, "date_to": None}
    person_missing = False
    if form.is_valid():
        data = form.cleaned_data
        if data["id_number"]:
            filters["person"] = audited_person_by_id_number(id_number=normalize_id_number(data["id_number"]))
            person_missing = filters["person"] is None
        filters["user_id"] = data["user"].pk if data["user"] else None
        filters["date_from"], filters["date_to"] = data["date_from"], data["date_to"]
    return form, filters, person_missing


@require_perm(Perm.AUDIT_VIEW)
@search_by_token("id_number")
def event_list(request):
    form, filters, person_missing = _filters(request)
    events = audit_event_list(**filters) if not person_missing else []
    page = CachedCountPaginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page": page,
            "user_names": user_names_for_events(events=page.object_list),
            "person_missing": person_missing,
            "query_string": query.urlencode(),
        },
    )


@require_perm(Perm.AUDIT_VIEW)
@search_by_token("id_number")
def sensitive_access_list_view(request):
    form, filters, person_missing = _filters(request)
    accesses = sensitive_access_list(**filters) if not person_missing else []
    page = CachedCountPaginator(accesses, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/sensitive_access_list.html",
        {"form": form, "page": page, "person_missing": person_missing, "query_string": query.urlencode()},
    )


@require_perm(Perm.AUDIT_VIEW)
def account_event_list_view(request):
    form = AccountEventFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "user_id": data["user"].pk if data["user"] else None,
            "kind": data["kind"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    page = CachedCountPaginator(account_event_list(**filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/account_event_list.html",
        {"form": form, "page": page, "query_string": query.urlencode()},
    )
