"""How domain models are audited: Postgres triggers (django-pghistory), so bulk writes and COPY are caught too."""

import pghistory


def audited(**kwargs):
    """Class decorator: record every insert, update and delete of the model with the acting context."""
    kwargs.setdefault("obj_field", pghistory.ObjForeignKey(related_name="audit_events", db_constraint=False))
    return pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), **kwargs)
