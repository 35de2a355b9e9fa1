"""The application workflow: submit -> township check -> county review (approve / reject), each step recorded
with user, time, comment and the eligibility reasons shown at that moment. Approval creates the enrollment,
paid from the month of application (自递交申请当月计发)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fedportal.accounts.permissions import Perm, authorize
from fedportal.core.clock import local_today

from ..models import (
    Application,
    ApplicationStatus,
    ApplicationStep,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    OncePayment,
    StepAction,
)
from ..rules import REASONS, eligibility_reasons, rule_for


def application_eligibility(application: Application, on: date | None = None) -> list[str]:
    reasons = eligibility_reasons(application.program.code, [application.person_id], on or local_today())[
        application.person_id
    ]
    program = application.program
    if (
        program.is_once
        and _once_per(program) == "person"
        and OncePayment.objects.filter(person_id=application.person_id, program=program).exists()
    ):
        reasons = [*reasons, str(REASONS["once_paid"])]
    return reasons


def _once_per(program) -> str:
    return getattr(rule_for(program.code), "once_per", "person")


def _check_once(person, program) -> None:
    """A one-off grant: no second one while one waits to be paid; never a second one paid once per person."""
    if Enrollment.objects.filter(person=person, program=program, status=EnrollmentStatus.ACTIVE).exists():
        raise ValidationError(_("此人已有一笔待发放的该项补贴。"))
    if _once_per(program) == "person" and OncePayment.objects.filter(person=person, program=program).exists():
        raise ValidationError(_("此人已享受过该一次性补贴，不能重复申请。"))


def application_submit(
    *,
    person,
    program,
    applied_on: date,
    acting_user,
    applicant_name: str = "",
    applicant_relation: str = "",
    school: str = "",
    education_stage: str = "",
    occasion: str = "",
    proof=None,
    comment: str = "",
) -> Application:
    authorize(acting_user, Perm.APPLICATION_ENTER, person)
    if not program.accepts_applications:
        raise ValidationError(_("该项目自动认定，无需申请。"))
    if applied_on > local_today():
        raise ValidationError(_("申请日期不能晚于今天。"))
    if Enrollment.objects.filter(person=person, program=program, status=EnrollmentStatus.ACTIVE).exists() and (
        program.is_monthly
    ):
        raise ValidationError(_("此人已在享受该项补贴。"))
    if program.is_once:
        _check_once(person, program)
        if _once_per(program) == "event" and not occasion.strip():
            raise ValidationError(_("一次性补贴按事由发放，请填写事由/活动。"))
    application = Application(
        person=person,
        program=program,
        applied_on=applied_on,
        applicant_name=applicant_name,
        applicant_relation=applicant_relation,
        school=school,
        education_stage=education_stage,
        occasion=occasion.strip(),
        comment=comment,
        township_id=person.township_id,
        entered_by=acting_user,
    )
    if proof:
        application.proof = proof
    application.full_clean()
    try:
        with transaction.atomic():
            application.save()
            ApplicationStep.objects.create(
                application=application,
                action=StepAction.SUBMIT,
                user=acting_user,
                comment=comment,
                eligibility=application_eligibility(application, applied_on),
            )
    except IntegrityError:
        raise ValidationError(_("此人已有一份该项目的在办申请。")) from None
    return application


def application_township_check(
    *, application: Application, acting_user, comment: str = "", approve: bool = True
) -> Application:
    authorize(acting_user, Perm.APPLICATION_TOWNSHIP_CHECK, application)
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("program", "person").get(pk=application.pk)
        if application.status != ApplicationStatus.SUBMITTED:
            raise ValidationError(_("该申请不在乡镇初审环节。"))
        reasons = application_eligibility(application)
        if approve:
            application.status = ApplicationStatus.TOWNSHIP_CHECKED
            action = StepAction.TOWNSHIP_CHECK
        else:
            if not comment.strip():
                raise ValidationError(_("驳回须填写意见。"))
            application.status, application.decided_at = ApplicationStatus.REJECTED, timezone.now()
            action = StepAction.REJECT
        application.save(update_fields=["status", "decided_at"])
        ApplicationStep.objects.create(
            application=application, action=action, user=acting_user, comment=comment, eligibility=reasons
        )
    return application


def application_decide(*, application: Application, acting_user, approve: bool, comment: str = "") -> Application:
    """County review. Maker-checker: whoever entered the application or did its township check cannot decide it. Approval needs the person to
    qualify today (the reasons are shown on the page before); it creates or reactivates the enrollment."""
    authorize(acting_user, Perm.APPLICATION_REVIEW, application)
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("program", "person").get(pk=application.pk)
        if application.status != ApplicationStatus.TOWNSHIP_CHECKED:
            raise ValidationError(_("该申请不在县级审核环节。"))
        if application.entered_by_id == acting_user.pk:
            raise ValidationError(_("录入人不能审核自己录入的申请。"))
        # Two-level review means two people: whoever did the township check cannot also do the county review.
        checked_by = (
            application.steps.filter(action=StepAction.TOWNSHIP_CHECK)
            .order_by("-at", "-pk")
            .values_list("user_id", flat=True)
            .first()
        )
        if checked_by == acting_user.pk:
            raise ValidationError(_("乡镇初审人不能再作县级审核，请由另一位审核人审核。"))
        reasons = application_eligibility(application)
        if approve:
            if reasons:
                raise ValidationError(_("不符合条件：%(reasons)s") % {"reasons": "、".join(reasons)})
            if application.program.is_once:
                _check_once(application.person, application.program)
            start = application.applied_on.replace(day=1)
            Enrollment.objects.update_or_create(
                person=application.person,
                program=application.program,
                defaults={
                    "start_month": start,
                    "status": EnrollmentStatus.ACTIVE,
                    "status_reason": "",
                    "source": EnrollmentSource.APPLICATION,
                    "application": application,
                    "note": _("申请批准 %(date)s") % {"date": f"{application.applied_on:%Y-%m-%d}"},
                },
            )
            application.status, action = ApplicationStatus.APPROVED, StepAction.APPROVE
        else:
            if not comment.strip():
                raise ValidationError(_("驳回须填写意见。"))
            application.status, action = ApplicationStatus.REJECTED, StepAction.REJECT
        application.decided_at = timezone.now()
        application.save(update_fields=["status", "decided_at"])
        ApplicationStep.objects.create(
            application=application, action=action, user=acting_user, comment=comment, eligibility=reasons
        )
    return application
