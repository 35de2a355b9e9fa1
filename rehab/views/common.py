"""Helpers shared by the rehabilitation views: service errors onto forms, year/township filters, the filtered list
page with its export, paging."""

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from fedportal.accounts.permissions import township_scope
from fedportal.core.clock import local_today

from ..exports import ExportSpec, export_response
from ..forms import ListParametersForm
from ..selectors import township_choices_for_user


def checked_parameters(view):
    """View decorator: the page's address parameters checked by ListParametersForm first; a bad one is a 400 page
    that names it (templates/400_parameters.html)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        form = ListParametersForm(request.GET)
        if not form.is_valid():
            return render(request, "400_parameters.html", {"form": form}, status=400)
        return view(request, *args, **kwargs)

    return wrapped


def selected_year(request) -> int:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2000 <= year <= 2100 else local_today().year


def selected_township(request):
    """The township filter: a liaison is held to their own; others may choose one or none (the county)."""
    scope = township_scope(request.user)
    if scope is not None:
        return scope
    try:
        return int(request.GET.get("township") or 0) or None
    except ValueError:
        return None


def paginate(request, queryset, per_page: int = 50):
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def render_form(request, form, *, title: str, back_url: str, submit: str, subject=None, intro: str = ""):
    return render(
        request,
        "rehab/form.html",
        {
            "form": form,
            "title": title,
            "back_url": back_url,
            "submit": submit,
            "subject": subject,
            "intro": intro,
        },
    )


def done(request, message: str, url: str):
    messages.success(request, message)
    return redirect(url)


def filter_context(request, filterset=None, **extra) -> dict:
    """The year and township boxes; with a FilterSet, its checked values (and the FilterSet as `filter`)."""
    if filterset is None:
        return {
            "townships": township_choices_for_user(user=request.user),
            "township_scope": township_scope(request.user),
            "selected_township": selected_township(request),
            "year": selected_year(request),
            **extra,
        }
    return {
        "townships": township_choices_for_user(user=request.user),
        "township_scope": township_scope(request.user),
        "selected_township": filterset.selected_township,
        "year": filterset.selected_year,
        "filter": filterset,
        "params": filterset.form.data,
        **extra,
    }


def filtered_list(request, filterset, *, template: str, export: ExportSpec, each=None, **extra):
    """A list page: `format=xlsx` exports exactly the filtered list; else a page of it (`each` applied to each row
    shown). With a bad filter value the page shows the error and an empty list, and there is no export."""
    if request.GET.get("format") == "xlsx" and filterset.is_valid():
        return export_response(export, filterset.qs, request=request)
    page, query_string = paginate(request, filterset.qs)
    if each is not None:
        for obj in page.object_list:
            each(obj)
    return render(request, template, filter_context(request, filterset, page=page, query_string=query_string, **extra))
