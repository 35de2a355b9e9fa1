"""No tables: backups live as files. The module exists so that post_migrate is sent for this app."""
