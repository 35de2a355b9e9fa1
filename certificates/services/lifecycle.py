"""The lifecycle of a disability certificate. One card period is one Certificate row: renewal, change and
reissue end the old row (status superseded, ended_on = the new issue date) and open a new one."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.disability import check_certificate_number
from cases.models import Person
from fedportal.accounts.permissions import Perm, authorize
from fedportal.core.clock import local_today

from ..households import household_refresh_multi_flag
from ..models import (
    Assessment,
    Category,
    Certificate,
    CertificateComponent,
    CertificateLifecycleEvent,
    CertificateStatus,
    EndReason,
    EventKind,
    Generation,
)
from ..validation import RENEWAL_WINDOW_DAYS, clean_components, expiry_for
from ._common import ensure_active, ensure_no_active_certificate, ensure_person_in_county, ensure_reapply_bar_passed


def _lock_person(person: Person) -> Person:
    """Serialise lifecycle events of one person (two clerks issuing at once)."""
    return Person.objects.select_for_update().get(pk=person.pk)


def _lock_certificate(certificate: Certificate) -> Certificate:
    _lock_person(certificate.person)
    return Certificate.objects.select_related("person").get(pk=certificate.pk)


def _check_event_date(day: date, field: str = "issue_date") -> None:
    if day > local_today():
        raise ValidationError({field: _("办理日期不能晚于今天。")})


def _check_assessment(assessment: Assessment, person: Person) -> None:
    if assessment.person_id != person.pk:
        raise ValidationError({"assessment": _("所选评定不是此人的评定。")})
    if assessment.reviewed_on is None:
        raise ValidationError({"assessment": _("评定结果尚未经县残联审核（公示 5 个工作日后审核），不能发证。")})
    if assessment.certificates.exists():
        raise ValidationError({"assessment": _("此评定已用于办证，请使用新的评定。")})


def _open_card(
    *,
    person: Person,
    category: int,
    grade: int,
    components: list[dict],
    generation: int,
    issue_date: date,
    expiry_date: date,
    assessment: Assessment | None,
) -> Certificate:
    if generation not in Generation.values:
        raise ValidationError({"generation": _("请选择证件代别。")})
    certificate = Certificate(
        person=person,
        number=check_certificate_number(f"{person.id_number}{category}{grade}", id_number=person.id_number),
        category=category,
        grade=grade,
        generation=generation,
        issue_date=issue_date,
        expiry_date=expiry_date,
        status=CertificateStatus.ACTIVE,
        assessment=assessment,
    )
    if expiry_date <= issue_date:
        raise ValidationError({"expiry_date": _("有效期须晚于发证日期。")})
    certificate.full_clean(exclude=["assessment"], validate_constraints=False)
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        raise ValidationError(_("此人已有一张有效的残疾人证。")) from None
    CertificateComponent.objects.bulk_create(
        CertificateComponent(certificate=certificate, category=item["category"], grade=item["grade"])
        for item in components
    )
    return certificate


def _end_card(certificate: Certificate, *, status: str, reason: str, ended_on: date) -> None:
    if ended_on < certificate.issue_date:
        raise ValidationError(
            _("终止日期不能早于原证发证日期（%(date)s）。") % {"date": certificate.issue_date.isoformat()}
        )
    certificate.status, certificate.end_reason, certificate.ended_on = status, reason, ended_on
    certificate.save(update_fields=["status", "end_reason", "ended_on", "updated_at"])


def _record(certificate, *, kind, event_date, acting_user, reason="", comment="", assessment=None):
    return CertificateLifecycleEvent.objects.create(
        person_id=certificate.person_id,
        certificate=certificate,
        kind=kind,
        event_date=event_date,
        reason=reason,
        comment=(comment or "").strip(),
        assessment=assessment,
        acting_user=acting_user,
    )


def _components_of(certificate: Certificate) -> list[dict]:
    return [{"category": c.category, "grade": c.grade} for c in certificate.components.order_by("category")]


def _refresh_household(person: Person) -> None:
    if person.household_id:
        household_refresh_multi_flag(household=person.household)


@transaction.atomic
def certificate_issue(
    *,
    person: Person,
    assessment: Assessment,
    issue_date: date,
    generation: int = Generation.THIRD,
    comment: str = "",
    acting_user,
) -> Certificate:
    """新办: after a reviewed assessment; refused with an active certificate or within a year of a cancellation."""
    authorize(acting_user, Perm.CERTIFICATE_EDIT, person)
    person = _lock_person(person)
    ensure_person_in_county(person, action=_("新办残疾人证"))
    ensure_no_active_certificate(person)
    _check_assessment(assessment, person)
    ensure_reapply_bar_passed(person, on=assessment.assessed_on)
    _check_event_date(issue_date)
    if issue_date < assessment.reviewed_on:
        raise ValidationError(
            {
                "issue_date": _("发证日期不能早于县级审核日期（%(date)s）。")
                % {"date": assessment.reviewed_on.isoformat()}
            }
        )
    certificate = _open_card(
        person=person,
        category=assessment.category,
        grade=assessment.grade,
        components=assessment.components,
        generation=generation,
        issue_date=issue_date,
        expiry_date=expiry_for(issue_date),
        assessment=assessment,
    )
    _record(
        certificate,
        kind=EventKind.ISSUE,
        event_date=issue_date,
        acting_user=acting_user,
        comment=comment,
        assessment=assessment,
    )
    _refresh_household(person)
    return certificate


@transaction.atomic
def certificate_renew(
    *, certificate: Certificate, issue_date: date, generation: int | None = None, comment: str = "", acting_user
) -> Certificate:
    """换领: a new 10-year card with the same number; near or after expiry, or to move to the 3rd generation."""
    authorize(acting_user, Perm.CERTIFICATE_EDIT, certificate)
    certificate = _lock_certificate(certificate)
    ensure_active(certificate, action=_("换领"))
    ensure_person_in_county(certificate.person, action=_("换领"))
    _check_event_date(issue_date)
    generation = generation or certificate.generation
    upgrading = generation > certificate.generation
    if generation < certificate.generation:
        raise ValidationError({"generation": _("不能换领为更早一代的证件。")})
    if not upgrading and issue_date < certificate.expiry_date - timedelta(days=RENEWAL_WINDOW_DAYS):
        raise ValidationError(
            _("此证有效期至 %(expiry)s，到期前 %(days)s 天内（%(from)s 起）才能换领；第二代证换领第三代证不受此限。")
            % {
                "expiry": certificate.expiry_date.isoformat(),
                "days": RENEWAL_WINDOW_DAYS,
                "from": (certificate.expiry_date - timedelta(days=RENEWAL_WINDOW_DAYS)).isoformat(),
            }
        )
    if issue_date <= certificate.issue_date:
        raise ValidationError({"issue_date": _("换领日期须晚于原证发证日期。")})
    components = _components_of(certificate)
    _end_card(certificate, status=CertificateStatus.SUPERSEDED, reason=EndReason.RENEWED, ended_on=issue_date)
    new = _open_card(
        person=certificate.person,
        category=certificate.category,
        grade=certificate.grade,
        components=components,
        generation=generation,
        issue_date=issue_date,
        expiry_date=expiry_for(issue_date),
        assessment=certificate.assessment,
    )
    _record(new, kind=EventKind.RENEW, event_date=issue_date, acting_user=acting_user, comment=comment)
    _refresh_household(certificate.person)
    return new


@transaction.atomic
def certificate_change(
    *,
    certificate: Certificate,
    assessment: Assessment,
    issue_date: date,
    generation: int | None = None,
    comment: str = "",
    acting_user,
) -> Certificate:
    """类别/等级变更: rests on a new reviewed assessment; the number changes with the category and grade."""
    authorize(acting_user, Perm.CERTIFICATE_EDIT, certificate)
    certificate = _lock_certificate(certificate)
    person = certificate.person
    ensure_active(certificate, action=_("类别/等级变更"))
    ensure_person_in_county(person, action=_("类别/等级变更"))
    _check_assessment(assessment, person)
    if assessment.assessed_on < certificate.issue_date:
        raise ValidationError({"assessment": _("变更须依据原证发证之后的新评定。")})
    same = (assessment.category, assessment.grade) == (certificate.category, certificate.grade)
    if same and (assessment.category != Category.MULTIPLE or assessment.components == _components_of(certificate)):
        raise ValidationError({"assessment": _("新评定的类别和等级与现证相同，无需变更。")})
    _check_event_date(issue_date)
    if issue_date < assessment.reviewed_on or issue_date <= certificate.issue_date:
        raise ValidationError({"issue_date": _("变更发证日期须晚于原证发证日期，且不早于县级审核日期。")})
    _end_card(certificate, status=CertificateStatus.SUPERSEDED, reason=EndReason.CHANGED, ended_on=issue_date)
    new = _open_card(
        person=person,
        category=assessment.category,
        grade=assessment.grade,
        components=assessment.components,
        generation=generation or certificate.generation,
        issue_date=issue_date,
        expiry_date=expiry_for(issue_date),
        assessment=assessment,
    )
    _record(
        new,
        kind=EventKind.CHANGE,
        event_date=issue_date,
        acting_user=acting_user,
        comment=comment or _("原证号 %(number)s") % {"number": certificate.number},
        assessment=assessment,
    )
    _refresh_household(person)
    return new


@transaction.atomic
def certificate_reissue(
    *, certificate: Certificate, issue_date: date, generation: int | None = None, comment: str = "", acting_user
) -> Certificate:
    """挂失补办: a replacement card with the same number and the same validity."""
    authorize(acting_user, Perm.CERTIFICATE_EDIT, certificate)
    certificate = _lock_certificate(certificate)
    ensure_active(certificate, action=_("挂失补办"))
    ensure_person_in_county(certificate.person, action=_("挂失补办"))
    _check_event_date(issue_date)
    if issue_date <= certificate.issue_date:
        raise ValidationError({"issue_date": _("补办日期须晚于原证发证日期。")})
    if issue_date >= certificate.expiry_date:
        raise ValidationError(
            _("原证已过期（有效期至 %(date)s），请办理换领。") % {"date": certificate.expiry_date.isoformat()}
        )
    components = _components_of(certificate)
    _end_card(certificate, status=CertificateStatus.SUPERSEDED, reason=EndReason.REISSUED, ended_on=issue_date)
    new = _open_card(
        person=certificate.person,
        category=certificate.category,
        grade=certificate.grade,
        components=components,
        generation=generation or certificate.generation,
        issue_date=issue_date,
        expiry_date=certificate.expiry_date,
        assessment=certificate.assessment,
    )
    _record(new, kind=EventKind.REISSUE, event_date=issue_date, acting_user=acting_user, comment=comment)
    _refresh_household(certificate.person)
    return new


@transaction.atomic
def certificate_transfer_in(
    *,
    person: Person,
    number: str,
    category: int,
    grade: int | None,
    generation: int,
    issue_date: date,
    expiry_date: date,
    event_date: date,
    origin: str,
    components=(),
    acting_user,
) -> Certificate:
    """迁入: a certificate issued by another county comes with a person whose 户籍 moved here."""
    authorize(acting_user, Perm.CERTIFICATE_EDIT, person)
    person = _lock_person(person)
    if person.death_date:
        raise ValidationError(_("%(name)s 已登记死亡，不能办理迁入。") % {"name": person.name})
    ensure_no_active_certificate(person)
    if not (origin or "").strip():
        raise ValidationError({"origin": _("请填写迁出地（原发证县）。")})
    grade, components = clean_components(category, grade, components)
    try:
        check_certificate_number(number, id_number=person.id_number, category=category, grade=grade)
    except ValidationError as error:
        raise ValidationError({"number": error.messages}) from None
    _check_event_date(event_date, "event_date")
    if expiry_date < event_date:
        raise ValidationError({"expiry_date": _("此证已过期，请先在原发证地换领或在本县重新评残。")})
    if issue_date > event_date:
        raise ValidationError({"issue_date": _("发证日期不能晚于迁入日期。")})
    if person.moved_out_date:  # moving back into the county
        Person.objects.filter(pk=person.pk).update(moved_out_date=None, updated_at=timezone.now())
    certificate = _open_card(
        person=person,
        category=category,
        grade=grade,
        components=components,
        generation=generation,
        issue_date=issue_date,
        expiry_date=expiry_date,
        assessment=None,
    )
    _record(
        certificate,
        kind=EventKind.TRANSFER_IN,
        event_date=event_date,
        acting_user=acting_user,
        comment=_("自 %(origin)s 迁入") % {"origin": origin.strip()},
    )
    _refresh_household(person)
    return certificate


@transaction.atomic
def certificate_transfer_out(
    *, certificate: Certificate, event_date: date, destination: str = "", acting_user
) -> Certificate:
    """迁出: the card leaves the county with the person; it stops counting here on `event_date`."""
    authorize(acting_user, Perm.CERTIFICATE_EDIT, certificate)
    return certificate_transfer_out_on_move(
        certificate=certificate, event_date=event_date, destination=destination, acting_user=acting_user
    )


def certificate_transfer_out_on_move(
    *, certificate: Certificate, event_date: date, destination: str = "", acting_user
) -> Certificate:
    """The transfer out as the consequence of a move out of the county that `acting_user` was authorized to
    record (cases.hooks.person_moved_out, PERSON_EDIT on the person): a township liaison records the move without
    holding CERTIFICATE_EDIT. Not for views."""
    authorize(acting_user, Perm.PERSON_EDIT, certificate)
    certificate = _lock_certificate(certificate)
    ensure_active(certificate, action=_("迁出"))
    _check_event_date(event_date, "event_date")
    _end_card(
        certificate, status=CertificateStatus.TRANSFERRED_OUT, reason=EndReason.TRANSFERRED_OUT, ended_on=event_date
    )
    comment = _("迁往 %(destination)s") % {"destination": destination.strip()} if (destination or "").strip() else ""
    _record(
        certificate,
        kind=EventKind.TRANSFER_OUT,
        event_date=event_date,
        acting_user=acting_user,
        reason=EndReason.TRANSFERRED_OUT,
        comment=comment,
    )
    _refresh_household(certificate.person)
    return certificate


CANCEL_REASONS = (EndReason.DEATH, EndReason.NOT_MEETING_STANDARD, EndReason.OTHER)


@transaction.atomic
def certificate_cancel(
    *, certificate: Certificate, reason: str, event_date: date, comment: str = "", acting_user
) -> Certificate:
    """注销: on death (the card counts through the day of death) or when no longer meeting the standard
    (then no new application for a year)."""
    authorize(acting_user, Perm.CERTIFICATE_EDIT, certificate)
    return certificate_cancel_on_death(
        certificate=certificate, reason=reason, event_date=event_date, comment=comment, acting_user=acting_user
    )


def certificate_cancel_on_death(
    *, certificate: Certificate, reason: str, event_date: date, comment: str = "", acting_user
) -> Certificate:
    """The cancellation, also as the consequence of a death that `acting_user` was authorized to record
    (cases.hooks.person_died, PERSON_EDIT on the person). Not for views."""
    authorize(acting_user, Perm.PERSON_EDIT, certificate)
    certificate = _lock_certificate(certificate)
    ensure_active(certificate, action=_("注销"))
    if reason not in CANCEL_REASONS:
        raise ValidationError({"reason": _("请选择注销原因：死亡、不再符合评残标准或其他。")})
    _check_event_date(event_date, "event_date")
    person = certificate.person
    if reason == EndReason.DEATH:
        if not person.death_date:
            raise ValidationError({"reason": _("此人未登记死亡；请先在人员页面登记死亡日期。")})
        ended_on = max(person.death_date + timedelta(days=1), certificate.issue_date)
    else:
        if not (comment or "").strip():
            raise ValidationError({"comment": _("请说明注销的具体原因。")})
        ended_on = event_date
    _end_card(certificate, status=CertificateStatus.CANCELLED, reason=reason, ended_on=ended_on)
    _record(
        certificate,
        kind=EventKind.CANCEL,
        event_date=event_date,
        acting_user=acting_user,
        reason=reason,
        comment=comment,
    )
    _refresh_household(person)
    return certificate
