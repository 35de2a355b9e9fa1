"""Providers: contracts, service items and prices, and the monthly service statement (PDF)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from fedportal.accounts.permissions import Perm, has_perm, require_perm, township_scope
from fedportal.core.clock import local_today
from fedportal.core.forms import run_service

from .. import services
from ..filters import ProviderFilter
from ..forms import ContractForm, MonthForm, ProviderForm, ProviderServiceForm
from ..models import ProviderKind
from ..pdfs import provider_statement_pdf
from ..selectors import (
    provider_get_for_user,
    provider_list_for_page,
    provider_statement,
    service_record_list_for_user,
)
from .common import checked_parameters, done, paginate, render_form


@require_perm(Perm.REHAB_VIEW)
@checked_parameters
def provider_list(request):
    providers = ProviderFilter(request.GET, queryset=provider_list_for_page(user=request.user), request=request)
    page, query_string = paginate(request, providers.qs)
    return render(
        request,
        "rehab/provider_list.html",
        {
            "filter": providers,
            "page": page,
            "query_string": query_string,
            "today": local_today(),
            "kinds": ProviderKind.choices,
            "kind": providers.form.data.get("kind", ""),
            "can_edit": has_perm(request.user, Perm.REHAB_EDIT),
        },
    )


@require_perm(Perm.REHAB_VIEW)
def provider_detail(request, pk):
    provider = provider_get_for_user(user=request.user, provider_id=pk)
    month_form = MonthForm(request.GET or None)
    month = month_form.cleaned_data["month"] if month_form.is_valid() else local_today().replace(day=1)
    statement = provider_statement(
        provider=provider, month=month, records=service_record_list_for_user(user=request.user)
    )
    return render(
        request,
        "rehab/provider_detail.html",
        {
            "provider": provider,
            "contracts": provider.contracts.all(),
            "items": provider.services.all(),
            "today": local_today(),
            "statement": statement,
            "month_value": f"{month:%Y-%m}",
            "can_edit": has_perm(request.user, Perm.REHAB_EDIT),
        },
    )


@require_perm(Perm.REHAB_EDIT)
def provider_create(request):
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        provider = run_service(form, lambda: services.provider_save(acting_user=request.user, **form.cleaned_data))
        if provider:
            return done(
                request,
                _("已登记服务机构，请继续录入合同期和服务价格。"),
                reverse("rehab:provider_detail", args=[provider.pk]),
            )
    return render_form(
        request, form, title=_("新增服务机构"), back_url=reverse("rehab:provider_list"), submit=_("保存")
    )


@require_perm(Perm.REHAB_EDIT)
def provider_edit(request, pk):
    provider = provider_get_for_user(user=request.user, provider_id=pk)
    form = ProviderForm(request.POST or None, instance=provider)
    back = reverse("rehab:provider_detail", args=[pk])
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form, lambda: services.provider_save(provider=provider, acting_user=request.user, **form.cleaned_data)
        )
    ):
        return done(request, _("已保存。"), back)
    return render_form(request, form, title=_("修改服务机构"), back_url=back, submit=_("保存"), subject=provider)


@require_perm(Perm.REHAB_EDIT)
def contract_add(request, pk):
    provider = provider_get_for_user(user=request.user, provider_id=pk)
    form = ContractForm(request.POST or None)
    back = reverse("rehab:provider_detail", args=[pk])
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.provider_contract_add(provider=provider, acting_user=request.user, **form.cleaned_data),
        )
    ):
        return done(request, _("已登记合同期。"), back)
    return render_form(request, form, title=_("登记合同期"), back_url=back, submit=_("保存"), subject=provider)


@require_perm(Perm.REHAB_EDIT)
def provider_service_add(request, pk):
    provider = provider_get_for_user(user=request.user, provider_id=pk)
    form = ProviderServiceForm(request.POST or None)
    back = reverse("rehab:provider_detail", args=[pk])
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.provider_service_save(provider=provider, acting_user=request.user, **form.cleaned_data),
        )
    ):
        return done(request, _("已保存服务项目与价格。"), back)
    return render_form(request, form, title=_("服务项目与价格"), back_url=back, submit=_("保存"), subject=provider)


@require_perm(Perm.REHAB_VIEW)
def provider_statement_view(request, pk):
    provider = provider_get_for_user(user=request.user, provider_id=pk)
    month_form = MonthForm(request.GET or None)
    month = month_form.cleaned_data["month"] if month_form.is_valid() else local_today().replace(day=1)
    pdf = provider_statement_pdf(
        provider=provider,
        month=month,
        records=service_record_list_for_user(user=request.user),
        township_only=township_scope(request.user) is not None,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="provider-{provider.pk}-{month:%Y-%m}.pdf"'
    return response
