"""评残: recording an assessment with its public notice, and the county review (approve or reject with a reason)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fedportal.accounts.permissions import Perm, authorize
from fedportal.core.clock import local_today

from ..models import Assessment, Category, CertificateStatus
from ..validation import NOTICE_WORKING_DAYS, add_working_days, clean_components
from ._common import ensure_person_in_county, ensure_reapply_bar_passed


@transaction.atomic
def assessment_record(
    *,
    person,
    hospital: str,
    assessor: str,
    assessed_on: date,
    category: int,
    grade: int | None = None,
    components=(),
    notice_start: date | None = None,
    acting_user,
) -> Assessment:
    """Record an assessment; with `notice_start` the 5-working-day public notice is scheduled from that day."""
    authorize(acting_user, Perm.CERTIFICATE_EDIT, person)
    ensure_person_in_county(person, action=_("评残"))
    if assessed_on > local_today():
        raise ValidationError({"assessed_on": _("评定日期不能晚于今天。")})
    if assessed_on < person.birth_date:
        raise ValidationError({"assessed_on": _("评定日期不能早于出生日期。")})
    if not person.certificates.filter(status=CertificateStatus.ACTIVE).exists():
        ensure_reapply_bar_passed(person, on=assessed_on)
    grade, components = clean_components(category, grade, components)
    notice_end = None
    if notice_start is not None:
        if notice_start < assessed_on:
            raise ValidationError({"notice_start": _("公示不能早于评定日期开始。")})
        notice_end = add_working_days(notice_start, NOTICE_WORKING_DAYS)
    assessment = Assessment(
        person=person,
        hospital=(hospital or "").strip(),
        assessor=(assessor or "").strip(),
        assessed_on=assessed_on,
        category=category,
        grade=grade,
        components=components if category == Category.MULTIPLE else [],
        notice_start=notice_start,
        notice_end=notice_end,
    )
    assessment.full_clean(exclude=["reviewed_by"])
    assessment.save()
    return assessment


@transaction.atomic
def assessment_review(*, assessment: Assessment, reviewed_on: date, acting_user) -> Assessment:
    """County review (县级审核), after the public notice has run its 5 working days."""
    authorize(acting_user, Perm.CERTIFICATE_REVIEW, assessment)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.reviewed_on:
        raise ValidationError(_("此评定已于 %(date)s 审核。") % {"date": assessment.reviewed_on.isoformat()})
    if assessment.rejected_on:
        raise ValidationError(_("此评定已于 %(date)s 驳回。") % {"date": assessment.rejected_on.isoformat()})
    if assessment.notice_end is None:
        raise ValidationError(_("评定结果尚未公示，公示 %(days)s 个工作日后才能审核。") % {"days": NOTICE_WORKING_DAYS})
    if reviewed_on <= assessment.notice_end:
        raise ValidationError(
            {
                "reviewed_on": _("公示期至 %(date)s 结束，审核日期须在公示期满之后。")
                % {"date": assessment.notice_end.isoformat()}
            }
        )
    if reviewed_on > local_today():
        raise ValidationError({"reviewed_on": _("审核日期不能晚于今天。")})
    assessment.reviewed_on = reviewed_on
    assessment.reviewed_by = acting_user
    assessment.save(update_fields=["reviewed_on", "reviewed_by"])
    return assessment


@transaction.atomic
def assessment_reject(*, assessment: Assessment, reason: str, acting_user) -> Assessment:
    """County review rejects the result (e.g. the grade does not match the medical records), with a reason. The
    assessment then supports no certificate; a new assessment is recorded if the person is assessed again."""
    authorize(acting_user, Perm.CERTIFICATE_REVIEW, assessment)
    assessment = Assessment.objects.select_for_update().select_related("person").get(pk=assessment.pk)
    if assessment.reviewed_on:
        raise ValidationError(_("此评定已于 %(date)s 审核。") % {"date": assessment.reviewed_on.isoformat()})
    if assessment.rejected_on:
        raise ValidationError(_("此评定已于 %(date)s 驳回。") % {"date": assessment.rejected_on.isoformat()})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("驳回须填写理由。")})
    assessment.rejected_on = local_today()
    assessment.rejected_by = acting_user
    assessment.reject_reason = reason[:200]
    assessment.save(update_fields=["rejected_on", "rejected_by", "reject_reason"])
    return assessment
