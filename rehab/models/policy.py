"""Rehab policy parameters (康复政策参数): configuration with the day it takes effect."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fedportal.audit.tracking import audited


@audited()
class RehabSetting(models.Model):
    """Rules that are configuration, with the day they take effect; the latest row on or before a day applies."""

    effective_from = models.DateField(_("生效日期"), unique=True)
    child_rescue_max_age = models.PositiveSmallIntegerField(
        _("儿童康复救助年龄上限(周岁)"),
        default=6,
        help_text=_("0-6周岁为国家标准；地方可扩展到10周岁或更高。满上限+1周岁的前一天仍可救助。"),
    )
    home_visit_target = models.DecimalField(_("入户率目标(%)"), max_digits=5, decimal_places=2, default=95)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("康复政策参数")
        verbose_name_plural = _("康复政策参数")
        constraints = [
            models.CheckConstraint(condition=Q(child_rescue_max_age__lte=17), name="rehab_child_age_below_18"),
        ]

    def __str__(self) -> str:
        return f"{self.effective_from:%Y-%m-%d}"
