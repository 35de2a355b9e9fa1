"""Providers: contracts, price items, and whether one may be assigned on a day."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fedportal.accounts.permissions import COUNTY_WIDE, Perm, authorize

from ..models import (
    Provider,
    ProviderContract,
    ProviderService,
    ServiceType,
)
from ._base import PROVIDER_KINDS_FOR_SERVICE, ZERO


def provider_save(*, provider: Provider | None = None, acting_user, **fields) -> Provider:
    authorize(acting_user, Perm.REHAB_EDIT, COUNTY_WIDE)
    provider = provider or Provider()
    for name, value in fields.items():
        setattr(provider, name, value)
    provider.full_clean()
    provider.save()
    return provider


def provider_contract_add(
    *, provider: Provider, start_date: date, end_date: date, number: str = "", note: str = "", acting_user
) -> ProviderContract:
    authorize(acting_user, Perm.REHAB_EDIT, COUNTY_WIDE)
    if end_date < start_date:
        raise ValidationError({"end_date": _("合同结束日期不能早于开始日期。")})
    overlapping = provider.contracts.filter(start_date__lte=end_date, end_date__gte=start_date)
    if overlapping.exists():
        raise ValidationError(_("与已有合同期重叠，请检查日期。"))
    contract = ProviderContract(provider=provider, start_date=start_date, end_date=end_date, number=number, note=note)
    contract.full_clean()
    contract.save()
    return contract


def provider_service_save(
    *,
    provider: Provider,
    service_type: str,
    device_type: str = "",
    unit: str = "次",
    price: Decimal,
    subsidy: Decimal,
    acting_user,
) -> ProviderService:
    authorize(acting_user, Perm.REHAB_EDIT, COUNTY_WIDE)
    if service_type != ServiceType.DEVICE:
        device_type = ""
    if subsidy > price:
        raise ValidationError({"subsidy": _("补助标准不能高于单价。")})
    item, _created = ProviderService.objects.update_or_create(
        provider=provider,
        service_type=service_type,
        device_type=device_type,
        defaults={"unit": unit, "price": price, "subsidy": subsidy},
    )
    return item


def provider_check_assignable(
    *, provider: Provider, on: date, service_type: str, device_type: str = ""
) -> ProviderService | None:
    """Refuse a provider without a contract covering `on` or of the wrong kind; return its price item, if any."""
    if provider.kind not in PROVIDER_KINDS_FOR_SERVICE[service_type]:
        raise ValidationError(
            _("“%(provider)s”是%(kind)s，不能承接“%(service)s”服务。")
            % {
                "provider": provider.name,
                "kind": provider.get_kind_display(),
                "service": ServiceType(service_type).label,
            }
        )
    contracts = list(provider.contracts.all())
    if not any(c.covers(on) for c in contracts):
        ended = [c for c in contracts if c.end_date < on]
        if ended:
            last = max(ended, key=lambda c: c.end_date)
            raise ValidationError(
                _("“%(provider)s”的服务合同已于%(end)s到期，%(day)s不能指派该机构，请先续签合同或选择其他机构。")
                % {"provider": provider.name, "end": f"{last.end_date:%Y-%m-%d}", "day": f"{on:%Y-%m-%d}"}
            )
        raise ValidationError(
            _("“%(provider)s”在%(day)s没有有效的服务合同，不能指派。")
            % {"provider": provider.name, "day": f"{on:%Y-%m-%d}"}
        )
    items = {(s.service_type, s.device_type): s for s in provider.services.all()}
    return items.get((service_type, device_type)) or items.get((service_type, ""))


def _price(item: ProviderService | None, quantity: int, amount, subsidy) -> tuple[Decimal, Decimal]:
    if amount is None:
        amount = item.price * quantity if item else ZERO
    if subsidy is None:
        subsidy = min(item.subsidy * quantity, amount) if item else ZERO
    if subsidy > amount:
        raise ValidationError({"subsidy": _("补助金额不能高于费用。")})
    if amount < 0 or subsidy < 0:
        raise ValidationError(_("金额不能为负数。"))
    return Decimal(amount).quantize(ZERO), Decimal(subsidy).quantize(ZERO)
