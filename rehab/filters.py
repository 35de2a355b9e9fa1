"""The rehabilitation lists' filters (django-filter): every value checked against its choices, the township choices
narrowed to the user's scope. A value that names no choice is a form error shown on the page, and the list is then
empty: never a 500, and never the unfiltered list."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fedportal.accounts.permissions import township_scope
from fedportal.core.clock import local_today

from .models import DeviceType, FittingStatus, NeedSource, NeedStatus, PlanStatus, ProviderKind, ServiceType
from .selectors import plans_with_missed_visits, priority_q, township_choices_for_user


def _townships(request):
    return township_choices_for_user(user=request.user) if request else None


class RehabListFilter(django_filters.FilterSet):
    """Year and township, shared by the lists. `year_field` names the date the year selects by; with
    `year_by_default` a list without a year shows the current one (as the pages always have)."""

    year_field = ""
    year_by_default = True
    ordering: tuple[str, ...] = ("-pk",)

    year = django_filters.NumberFilter(label=_("年度"), method="filter_year", min_value=2000, max_value=2100)
    township = django_filters.ModelChoiceFilter(
        label=_("乡镇(街道)"), field_name="person__township", queryset=_townships, empty_label=_("全县")
    )

    def __init__(self, data=None, *args, request=None, **kwargs):
        data = data.copy() if data is not None else {}
        if self.year_field and self.year_by_default and not data.get("year"):
            data["year"] = str(local_today().year)
        # A township user's list is their township's, as it always was (the scope rule); another township's id is a
        # form error.
        scope = township_scope(request.user) if request else None
        if scope and scope > 0 and "township" in self.base_filters and not data.get("township"):
            data["township"] = str(scope)
        kwargs["request"] = request
        super().__init__(data, *args, **kwargs)
        if not self.year_field:
            del self.filters["year"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(**{self.year_field: int(value)})

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            self._qs = super().qs.order_by(*self.ordering) if self.is_valid() else self.queryset.none()
        return self._qs

    @property
    def selected_year(self) -> int:
        """The year the page shows in its year box: the chosen one, else the current year."""
        year = self.form.cleaned_data.get("year") if self.is_valid() else None
        return int(year) if year else local_today().year

    @property
    def selected_township(self):
        township = self.form.cleaned_data.get("township") if self.is_valid() else None
        return township.pk if township else None


def _choice(label, choices):
    return django_filters.ChoiceFilter(label=label, choices=choices, empty_label=_("全部"))


def _flag(label, method):
    """A check box: "1" or nothing."""
    return django_filters.ChoiceFilter(label=label, choices=[("1", label)], method=method)


class NeedFilter(RehabListFilter):
    year_field = "recorded_on__year"
    ordering = ("-recorded_on", "-pk")

    need_type = _choice(_("需求类型"), ServiceType.choices)
    status = _choice(_("状态"), NeedStatus.choices)
    source = _choice(_("来源"), NeedSource.choices)


class ServiceRecordFilter(RehabListFilter):
    year_field = "served_on__year"
    ordering = ("-served_on", "-pk")

    service_type = _choice(_("服务类型"), ServiceType.choices)
    q = django_filters.CharFilter(label=_("姓名或机构"), method="filter_q", max_length=100)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(person__name__startswith=value) | Q(provider__name__contains=value))


class FittingFilter(RehabListFilter):
    year_field = "created_at__year"
    year_by_default = False  # the fittings list shows every year until one is chosen
    ordering = ("-created_at", "-pk")

    status = _choice(_("状态"), FittingStatus.choices)
    device_type = _choice(_("辅具类型"), DeviceType.choices)


class PlanFilter(RehabListFilter):
    ordering = ("-start_date", "-pk")

    status = _choice(_("状态"), PlanStatus.choices)
    missed = _flag(_("仅上月漏访"), "filter_missed")

    def filter_missed(self, queryset, name, value):
        return plans_with_missed_visits(plans=queryset)


class ChildRescueFilter(RehabListFilter):
    year_field = "applied_on__year"
    ordering = ("-applied_on", "-pk")

    priority = _flag(_("仅优先对象"), "filter_priority")

    def filter_priority(self, queryset, name, value):
        return queryset.filter(priority_q())


class RenovationFilter(RehabListFilter):
    year_field = "planned_on__year"
    ordering = ("-planned_on", "-pk")


class SurveyRecordFilter(RehabListFilter):
    """A survey round's records (its export), by township."""

    ordering = ("township__code", "visited_on", "pk")

    township = django_filters.ModelChoiceFilter(
        label=_("乡镇(街道)"), field_name="township", queryset=_townships, empty_label=_("全县")
    )


class SurveyPersonFilter(RehabListFilter):
    """The persons of a survey round (annotated with their record by survey_person_list_for_user)."""

    ordering = ("village__code", "name", "pk")

    township = django_filters.ModelChoiceFilter(
        label=_("乡镇(街道)"), field_name="township", queryset=_townships, empty_label=_("全县")
    )
    state = django_filters.ChoiceFilter(
        label=_("调查状态"),
        choices=[("todo", _("未调查")), ("done", _("已调查"))],
        method="filter_state",
        empty_label=_("全部"),
    )
    q = django_filters.CharFilter(label=_("姓名或身份证号"), method="filter_q", max_length=100)

    def filter_state(self, queryset, name, value):
        return queryset.filter(contact_method__isnull=value == "todo")

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__startswith=value) | Q(id_number__startswith=value.upper()))


class ProviderFilter(RehabListFilter):
    """Providers are county-wide: no township, no year."""

    ordering = ("kind", "name")

    kind = _choice(_("机构类型"), ProviderKind.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.filters["township"]
