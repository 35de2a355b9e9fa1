"""How domain models are audited: Postgres triggers (django-pghistory), so bulk writes and COPY are caught too."""

import pghistory


def audited(*, bulk_written: bool = False, **kwargs):
    """Class decorator: record every insert, update and delete of the model with the acting context.

    `bulk_written`: the model is written thousands of rows at a time (rosters, COPY): its triggers fire once per
    statement and write the events of all its rows from the statement's transition tables, instead of once per row.
    The events are the same, one per row changed."""
    kwargs.setdefault("obj_field", pghistory.ObjForeignKey(related_name="audit_events", db_constraint=False))
    if bulk_written:
        kwargs.setdefault("level", pghistory.Statement)
    return pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), **kwargs)
