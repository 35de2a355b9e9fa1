"""Service providers (服务机构), their contract periods and the services they deliver at what price."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fedportal.audit.tracking import audited

from .common import MONEY, DeviceType, ServiceType


class ProviderKind(models.TextChoices):
    REHAB_INSTITUTION = "institution", _("定点康复机构")
    HOME_CARE = "home_care", _("居家托养服务机构")
    DEVICE_SUPPLIER = "device_supplier", _("辅具供应商")
    CONTRACTOR = "contractor", _("无障碍改造施工单位")


@audited()
class Provider(models.Model):
    name = models.CharField(_("机构名称"), max_length=100, unique=True)
    kind = models.CharField(_("机构类型"), max_length=20, choices=ProviderKind.choices)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("服务机构")
        verbose_name_plural = _("服务机构")

    def __str__(self) -> str:
        return self.name


@audited()
class ProviderContract(models.Model):
    """One contract period (tender, designation) of a provider; a provider is assignable on the days one covers."""

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="contracts", verbose_name=_("服务机构")
    )
    number = models.CharField(_("合同编号"), max_length=50, blank=True)
    start_date = models.DateField(_("合同开始"))
    end_date = models.DateField(_("合同结束"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["provider", "-start_date"]
        verbose_name = _("服务合同")
        verbose_name_plural = _("服务合同")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="rehab_contract_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.start_date:%Y-%m-%d}—{self.end_date:%Y-%m-%d}"

    def covers(self, day) -> bool:
        return self.start_date <= day <= self.end_date


@audited()
class ProviderService(models.Model):
    """A service type a provider delivers, with its unit price and the federation's subsidy per unit."""

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="services", verbose_name=_("服务机构")
    )
    service_type = models.CharField(_("服务类型"), max_length=20, choices=ServiceType.choices)
    device_type = models.CharField(_("辅具类型"), max_length=20, choices=DeviceType.choices, blank=True)
    unit = models.CharField(_("计价单位"), max_length=10, default="次")
    price = models.DecimalField(_("单价(元)"), **MONEY)
    subsidy = models.DecimalField(_("补助标准(元)"), **MONEY)

    class Meta:
        ordering = ["provider", "service_type", "device_type"]
        verbose_name = _("服务项目与价格")
        verbose_name_plural = _("服务项目与价格")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "service_type", "device_type"], name="rehab_provider_service_once"
            ),
            models.CheckConstraint(condition=Q(price__gte=0) & Q(subsidy__gte=0), name="rehab_price_not_negative"),
            models.CheckConstraint(condition=Q(subsidy__lte=F("price")), name="rehab_subsidy_within_price"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.get_service_type_display()}"
