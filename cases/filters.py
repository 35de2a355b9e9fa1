"""The person list's filters (django-filter); every choice list is narrowed to the user's scope."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from fedportal.core.clock import local_today

from . import hooks
from .disability import Category, Generation, Grade
from .models import PovertyStatus
from .selectors import person_search, township_list_for_user, village_list_for_user

CERTIFICATE_STATES = (
    ("valid", _("持有效证")),
    ("expired", _("证件已过期未换领")),
    ("cancelled", _("已注销")),
    ("transferred_out", _("已迁出")),
    ("none", _("无证")),
)


class VillageChoiceField(forms.ModelChoiceField):
    """Villages grouped by their township (<optgroup>): many counties have a 长青村 in several townships."""

    def _grouped_choices(self):
        groups: dict[str, list] = {}
        for village in self.queryset.select_related("township").order_by("township__code", "code"):
            groups.setdefault(village.township.name, []).append((village.pk, village.name))
        choices = [("", self.empty_label)] if self.empty_label is not None else []
        return choices + list(groups.items())

    choices = property(_grouped_choices, forms.ChoiceField.choices.fset)


class VillageFilter(django_filters.ModelChoiceFilter):
    field_class = VillageChoiceField


class AllYesNoWidget(django_filters.widgets.BooleanWidget):
    """Yes / no with "all" as the starting choice (django-filter's own says "unknown")."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("", _("全部")), ("true", _("是")), ("false", _("否")))


def _townships(request):
    return township_list_for_user(user=request.user) if request else None


def _villages(request):
    return village_list_for_user(user=request.user) if request else None


def _active(**conditions):
    return Exists(hooks.certificate_queries().active(person=OuterRef("pk"), **conditions))


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("查询"), method="filter_q")
    township = django_filters.ModelChoiceFilter(label=_("乡镇(街道)"), queryset=_townships, empty_label=_("全部"))
    village = VillageFilter(label=_("村(社区)"), queryset=_villages, empty_label=_("全部"))
    category = django_filters.ChoiceFilter(
        label=_("残疾类别"), choices=Category.choices, method="filter_active", empty_label=_("全部")
    )
    grade = django_filters.ChoiceFilter(
        label=_("残疾等级"), choices=Grade.choices, method="filter_active", empty_label=_("全部")
    )
    generation = django_filters.ChoiceFilter(
        label=_("证件代别"), choices=Generation.choices, method="filter_active", empty_label=_("全部")
    )
    certificate_state = django_filters.ChoiceFilter(
        label=_("证件状态"), choices=CERTIFICATE_STATES, method="filter_certificate_state", empty_label=_("全部")
    )
    expiring_days = django_filters.NumberFilter(
        label=_("多少天内到期"), method="filter_expiring", min_value=0, max_value=3650
    )
    poverty_status = django_filters.ChoiceFilter(
        label=_("低保状态"), choices=PovertyStatus.choices, empty_label=_("全部")
    )
    multi_disability = django_filters.BooleanFilter(
        label=_("一户多残"), field_name="household__is_multi_disability", widget=AllYesNoWidget()
    )

    def filter_q(self, queryset, name, value):
        return person_search(persons=queryset, query=value)

    def filter_active(self, queryset, name, value):
        return queryset.filter(_active(**{name: value}))

    def filter_certificate_state(self, queryset, name, value):
        today = local_today()
        if value == "valid":
            return queryset.filter(_active(expiry_date__gte=today))
        if value == "expired":
            return queryset.filter(_active(expiry_date__lt=today))
        if value == "none":
            return queryset.filter(~Exists(hooks.certificate_queries().any(person=OuterRef("pk"))))
        ended = Exists(hooks.certificate_queries().any(person=OuterRef("pk"), status=value))
        return queryset.filter(ended & ~_active())

    def filter_expiring(self, queryset, name, value):
        today = local_today()
        return queryset.filter(_active(expiry_date__gte=today, expiry_date__lte=today + timedelta(days=int(value))))

    @property
    def qs(self):
        # Newest registrations first: the primary key orders without a sort over the whole table.
        return super().qs.order_by("-pk")
