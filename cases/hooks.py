"""What the registry asks of the apps above it: reactions and certificate reads, registered from their AppConfig.ready.

The layers point one way (fedportal ← cases ← certificates ← subsidies | rehab ← dashboards; `lint-imports` checks
it), so `cases` never imports `certificates`. Where a change in the registry must travel upward, or a registry page
shows a certificate, the registry calls a hook declared here and the upper app registers what it does, as the
person-page panels do (person_panels.py):

- `person_died`, `person_moved_out`: the certificates app cancels or transfers out the active card, in the same
  transaction as the registry's write (an error raised by a reaction rolls the whole write back).
- `households_changed`: members joined or left households (a form, a roster import); the certificates app
  recomputes their 一户多残 flags.
- `certificate_queries`: the certificate reads of the person list, search, export, page and PDF.
- `enrollments_roster`: what the enrollments roster's rows mean (the subsidies app validates and writes them);
  the upload, reader, report, jobs and CLI stay the registry's (cases/rosters).

Registration is idempotent (a reaction is keyed by its qualified name), so a second `ready()` adds nothing.
"""

from collections.abc import Callable
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured


class Hook:
    """Reactions called in registration order with keyword arguments; their return values are ignored."""

    def __init__(self, name: str):
        self.name = name
        self._reactions: dict[str, Callable] = {}

    def register(self, func: Callable) -> Callable:
        self._reactions.setdefault(f"{func.__module__}.{func.__qualname__}", func)
        return func

    def __call__(self, **kwargs) -> None:
        for reaction in self._reactions.values():
            reaction(**kwargs)


class CertificateQueries(Protocol):
    """The certificate reads the registry's pages make (implemented by certificates/registry_queries.py)."""

    def active(self, **conditions):
        """Active card periods matching `conditions` (a queryset; `person=OuterRef("pk")` makes it a subquery)."""

    def any(self, **conditions):
        """Card periods of any status matching `conditions` (a queryset)."""

    def active_prefetch(self, *, to_attr: str):
        """A Prefetch of each person's active card period for a list page, onto `to_attr`."""

    def for_person_page(self, person, *, with_assessments: bool = True) -> dict:
        """`certificates` (newest first, with events), `active_certificate` and, when asked, `assessments`."""


class EnrollmentsRoster(Protocol):
    """The enrollments roster kind (implemented by subsidies/rosters.py)."""

    def validate(self, sheet, *, today, progress=None):
        """A RosterReport of the sheet, its plan ready for `write`; reads, writes nothing."""

    def write(self, plan, *, acting_user) -> dict:
        """Write a valid plan (inside the caller's transaction); the counts."""


class Implementation:
    """The one implementation of an interface, registered from above; asking before registration is a set-up error."""

    def __init__(self, name: str):
        self.name = name
        self._implementation = None

    def register(self, implementation):
        self._implementation = implementation
        return implementation

    def __call__(self):
        if self._implementation is None:
            raise ImproperlyConfigured(f"cases.hooks.{self.name}: no implementation registered (is the app installed?)")
        return self._implementation


person_died = Hook("person_died")  # person, acting_user, comment
person_moved_out = Hook("person_moved_out")  # person, moved_out_date, destination, acting_user
households_changed = Hook("households_changed")  # household_ids, on (a date or None for today)
certificate_queries: Implementation = Implementation("certificate_queries")  # -> CertificateQueries
enrollments_roster: Implementation = Implementation("enrollments_roster")  # -> EnrollmentsRoster
