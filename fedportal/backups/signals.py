from django.db import connections

from .pgclient import Connection
from .services import database_apply_settings


def apply_database_settings(sender, using="default", **kwargs):
    """After migrate: store the database-level settings (see services.database_apply_settings)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    conn = Connection.from_settings(connection.settings_dict).connect()
    try:
        database_apply_settings(conn, name=connection.settings_dict["NAME"])
    finally:
        conn.close()
