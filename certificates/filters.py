"""The certificate list's filters (django-filter), scoped to the user's townships."""

from datetime import timedelta

import django_filters
from django.utils.translation import gettext_lazy as _

from cases.selectors import township_list_for_user
from fedportal.core.clock import local_today
from fedportal.idnumber import normalize_id_number

from .models import Category, CertificateStatus, Generation, Grade


def _townships(request):
    return township_list_for_user(user=request.user) if request else None


class CertificateFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(label=_("证号或身份证号（前几位）"), method="filter_number")
    township = django_filters.ModelChoiceFilter(
        label=_("乡镇(街道)"), field_name="person__township", queryset=_townships, empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=CertificateStatus.choices, empty_label=_("全部"))
    category = django_filters.ChoiceFilter(label=_("残疾类别"), choices=Category.choices, empty_label=_("全部"))
    grade = django_filters.ChoiceFilter(label=_("残疾等级"), choices=Grade.choices, empty_label=_("全部"))
    generation = django_filters.ChoiceFilter(label=_("证件代别"), choices=Generation.choices, empty_label=_("全部"))
    expiring_days = django_filters.NumberFilter(
        label=_("多少天内到期"), method="filter_expiring", min_value=0, max_value=3650
    )

    def filter_number(self, queryset, name, value):
        text = normalize_id_number(value).replace(" ", "").upper()
        return queryset.filter(number__startswith=text) if text else queryset

    def filter_expiring(self, queryset, name, value):
        today = local_today()
        return queryset.filter(
            status=CertificateStatus.ACTIVE, expiry_date__gte=today, expiry_date__lte=today + timedelta(days=int(value))
        )

    @property
    def qs(self):
        return super().qs.order_by("-pk")
