"""Reads of roster imports: a liaison sees their township's imports only (404 for any other by id)."""

from django.http import Http404

from cases.models import RosterImport, RosterKind
from fedportal.accounts.permissions import Perm, has_perm, scope_q


def roster_list_for_user(*, user):
    if not has_perm(user, Perm.ROSTER_UPLOAD):
        return RosterImport.objects.none()
    rosters = RosterImport.objects.select_related("township", "uploaded_by", "validate_job", "import_job")
    if not has_perm(user, Perm.ROSTER_ENROLLMENTS):
        rosters = rosters.exclude(kind=RosterKind.ENROLLMENTS)
    # A liaison sees their own township's uploads, not a county upload checked "as" their township: that file may
    # hold rows (people) of other townships.
    return rosters.filter(scope_q(user), scope_q(user, "uploaded_by__township"))


def roster_get_for_user(*, user, roster_id: int) -> RosterImport:
    roster = roster_list_for_user(user=user).filter(pk=roster_id).first()
    if roster is None:
        raise Http404
    return roster
