from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Certificate, CertificateStatus, EndReason
from ..validation import REAPPLY_BAR_YEARS, add_years


def ensure_person_in_county(person, *, action: str) -> None:
    if person.death_date:
        raise ValidationError(
            _("%(name)s 已于 %(date)s 死亡，不能办理%(action)s。")
            % {"name": person.name, "date": person.death_date.isoformat(), "action": action}
        )
    if person.moved_out_date:
        raise ValidationError(
            _("%(name)s 的户籍已于 %(date)s 迁出本县，不能办理%(action)s。")
            % {"name": person.name, "date": person.moved_out_date.isoformat(), "action": action}
        )


def ensure_no_active_certificate(person) -> None:
    active = Certificate.objects.filter(person=person, status=CertificateStatus.ACTIVE).first()
    if active is not None:
        raise ValidationError(
            _("%(name)s 已有一张有效的残疾人证（%(number)s），不能再办理新证；如需变更类别或等级请办理“变更”。")
            % {"name": person.name, "number": active.number}
        )


def ensure_reapply_bar_passed(person, *, on: date) -> None:
    """After a cancellation for not meeting the standard, no new application for one year."""
    last = (
        Certificate.objects.filter(person=person, end_reason=EndReason.NOT_MEETING_STANDARD)
        .order_by("-ended_on")
        .values_list("ended_on", flat=True)
        .first()
    )
    if last is not None and on < add_years(last, REAPPLY_BAR_YEARS):
        raise ValidationError(
            _("此人的残疾人证于 %(date)s 因不再符合评残标准注销，一年内（%(until)s 前）不能重新申请。")
            % {"date": last.isoformat(), "until": add_years(last, REAPPLY_BAR_YEARS).isoformat()}
        )


_STATUS_REFUSALS = {
    CertificateStatus.CANCELLED: gettext_lazy("此证已注销，不能办理%(action)s；如仍需持证，请重新评残后申请新办。"),
    CertificateStatus.SUPERSEDED: gettext_lazy(
        "此证已被换领或变更后的新证取代，不能办理%(action)s；请对当前有效的证件办理。"
    ),
    CertificateStatus.TRANSFERRED_OUT: gettext_lazy("此证已随户籍迁出本县，不能办理%(action)s。"),
}


def ensure_active(certificate: Certificate, *, action: str) -> None:
    if certificate.status != CertificateStatus.ACTIVE:
        raise ValidationError(str(_STATUS_REFUSALS[certificate.status]) % {"action": action})
