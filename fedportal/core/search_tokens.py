"""Full numbers never travel in URLs: a search that may hold an ID, phone or account number travels as a token.

A URL lands in access logs, browser history and the Referer of the next request, so a full number typed into a
search box must not become a query string. One mechanism for every such search:

- the search form submits by POST (CSRF-checked); `search_by_token(*fields)` moves the fields named into the
  session under a short random token and redirects to `?s=<token>` plus the other filters (township, status…),
  which stay in the URL; pagination and filter links keep the token like any other parameter;
- a GET with `?s=<token>` reads as if the fields were in the query string: the view reads `request.search` (a
  QueryDict: the query string with the token's fields put back) instead of `request.GET`;
- a GET whose query string holds a full number (`holds_full_number`) is never served as such:
  `FullNumberInUrlMiddleware` sends a token search view's GET through the token (the redirect drops the number from
  the address bar and history) and answers every other URL — an htmx partial, a view without a search — with the
  400 page.

A search of a few digits (the last four of an ID number, say) is not a full number and works from a link as before.
"""

import re
import secrets
from functools import wraps

from django.contrib import messages
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

SEARCH_PARAM = "s"
_SESSION_KEY = "search_tokens"
# The tokens a session keeps, newest last: enough for a few tabs and the back button, small in the session row.
_KEEP = 30
# An ID number (17 digits and a digit or X), a mobile phone (11 digits), an account or register number: any run of
# 11 or more digits once spaces and hyphens are taken out. Dates (8 digits) and ids stay well below.
_FULL_NUMBER = re.compile(r"\d{11,}|\d{17}[xX]")
_SEPARATORS = re.compile(r"[\s\-]")


def holds_full_number(value: str) -> bool:
    return bool(_FULL_NUMBER.search(_SEPARATORS.sub("", value or "")))


def query_holds_full_number(query: QueryDict) -> bool:
    return any(holds_full_number(value) for key in query for value in query.getlist(key))


def _store(request, fields: dict[str, list[str]]) -> str:
    tokens = dict(request.session.get(_SESSION_KEY, {}))
    token = secrets.token_urlsafe(6)
    tokens[token] = fields
    request.session[_SESSION_KEY] = dict(list(tokens.items())[-_KEEP:])
    return token


def _stored(request, token: str) -> dict[str, list[str]] | None:
    return request.session.get(_SESSION_KEY, {}).get(token)


def _redirect(request, source: QueryDict, names) -> HttpResponseRedirect:
    """To this page with the fields `names` of `source` under a token and its other parameters as they are."""
    query = source.copy()
    for key in ("csrfmiddlewaretoken", SEARCH_PARAM, "page"):
        query.pop(key, None)
    # What is kept is text to search by: no NUL (PostgreSQL refuses it in a query), no more than a search box holds.
    fields = {name: [v.replace("\x00", "")[:200] for v in query.getlist(name) if v.strip()] for name in names}
    for name in names:
        query.pop(name, None)
    fields = {name: values for name, values in fields.items() if values}
    if fields:
        query[SEARCH_PARAM] = _store(request, fields)
    return HttpResponseRedirect(request.path + (f"?{query.urlencode()}" if query else ""))


def search_params(request, names) -> QueryDict | None:
    """The query string with the token's fields put back (and no token), or None for a token the session does not
    hold (another session's, or an expired one)."""
    query = request.GET.copy()
    token = query.pop(SEARCH_PARAM, [""])[-1]
    if token:
        stored = _stored(request, token)
        if stored is None:
            return None
        for name in names:
            query.setlist(name, stored.get(name, []))
    query._mutable = False
    return query


def search_by_token(*names: str):
    """For a view whose search fields `names` may hold a full number. POST: the fields go under a token and the
    browser is redirected to `?s=<token>`; GET: `request.search` is the query with the token's fields."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                return _redirect(request, request.POST, names)
            if request.method in ("GET", "HEAD") and any(
                holds_full_number(v) for n in names for v in request.GET.getlist(n)
            ):
                return _redirect(request, request.GET, names)
            search = search_params(request, names)
            if search is None:
                messages.info(request, _("查询条件已过期，请重新查询。"))
                query = request.GET.copy()
                query.pop(SEARCH_PARAM, None)
                query.pop("page", None)
                return HttpResponseRedirect(request.path + (f"?{query.urlencode()}" if query else ""))
            request.search = search
            return view(request, *args, **kwargs)

        wrapped.search_token_fields = names
        return wrapped

    return decorator


class FullNumberInUrlMiddleware:
    """A GET whose query string holds a full number is never served as such: a token search view sends it through the
    token (`search_by_token`); any other view answers with the 400 page, so no link or bookmark built with a full
    number works, and none is built."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in ("GET", "HEAD") or not query_holds_full_number(request.GET):
            return None
        names = getattr(view_func, "search_token_fields", ())
        others = request.GET.copy()
        for name in names:
            others.pop(name, None)
        signed_in = request.user.is_authenticated  # else the login redirect would carry the number in ?next=
        if names and signed_in and not request.htmx and not query_holds_full_number(others):
            return None  # the view's decorator sends it through the token
        return render(request, "400_full_number.html", status=400)
