"""This app's reactions to registry changes (cases/hooks.py), registered in apps.py."""

from cases import hooks
from fedportal.core.clock import local_today

from .households import household_refresh_multi_flags
from .models import Certificate, CertificateStatus, EndReason
from .services.lifecycle import certificate_cancel_on_death, certificate_transfer_out_on_move


@hooks.person_died.register
def cancel_on_death(*, person, acting_user, comment: str = "") -> None:
    """A recorded death cancels the active card period (reason 死亡)."""
    active = Certificate.objects.filter(person=person, status=CertificateStatus.ACTIVE).first()
    if active is not None:
        certificate_cancel_on_death(
            certificate=active,
            reason=EndReason.DEATH,
            event_date=local_today(),
            comment=comment,
            acting_user=acting_user,
        )


@hooks.person_moved_out.register
def transfer_out_on_move(*, person, moved_out_date, destination: str = "", acting_user) -> None:
    """户籍 moved out of the county: the active card period is transferred out with the person."""
    active = Certificate.objects.filter(person=person, status=CertificateStatus.ACTIVE).first()
    if active is not None:
        certificate_transfer_out_on_move(
            certificate=active, event_date=moved_out_date, destination=destination, acting_user=acting_user
        )


@hooks.households_changed.register
def refresh_household_flags(*, household_ids, on=None) -> None:
    household_refresh_multi_flags(household_ids=household_ids, on=on)
