"""Reads that may come from a read replica (dashboards, reports, exports), and the router that sends them there.

A replica is configured by `DATABASE_REPLICA_URL` (alias `replica`). Nothing goes to it unless the code says so:

    with replica_reads():                 # or @replica_reads() on a function
        figures = compute_figures(...)

Inside, reads go to the replica, except
- when the default connection is inside a transaction (the reads may need to see its uncommitted writes), and
- after anything was written inside the same `replica_reads()` block (it must see its own write: a replica lags).
Writes always go to the primary; the replica's connections are opened read-only, so a mistake fails loudly.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"

# None: not in a replica_reads() block. Otherwise a one-item list: [wrote], shared by nested blocks.
_state: ContextVar[list[bool] | None] = ContextVar("fedportal_replica_reads", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and getattr(settings, "DATABASE_REPLICA_READS", True)


def read_alias() -> str:
    """The alias that reads inside the current block go to (for code that opens its own transaction or cursor)."""
    state = _state.get()
    if state is None or state[0] or not replica_configured() or connections[PRIMARY].in_atomic_block:
        return PRIMARY
    return REPLICA


class replica_reads(contextlib.ContextDecorator):
    """Let the reads in this block come from the replica (see the module's docstring)."""

    def __enter__(self):
        self._token = _state.set(_state.get() or [False])
        return self

    def __exit__(self, *exc):
        _state.reset(self._token)
        return False


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        state = _state.get()
        if state is not None:
            state[0] = True  # from now on this block reads its own writes from the primary
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
