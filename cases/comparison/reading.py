"""Reading an agency list through the platform's one bounded reader (fedportal.core.workbooks).

Its limits are the roster's (an agency list is a county's people, one a row); the file is inspected when it is
uploaded, before it is stored, and read again in the compare job.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from fedportal.core.workbooks import (
    WorkbookLimits,
    WorkbookRejected,
    WorkbookTable,
    column_letter,
    inspect_workbook,
    read_table,
)

# The message of a refusal is for the user, as is.
ListFileError = WorkbookRejected


def list_limits() -> WorkbookLimits:
    return WorkbookLimits(
        max_rows=settings.ROSTER_MAX_ROWS,
        max_cols=getattr(settings, "ROSTER_MAX_COLUMNS", 64),
        max_file_bytes=settings.ROSTER_MAX_UPLOAD_BYTES,
    )


def inspect_list(content: bytes) -> None:
    """Refuse a hostile or unreadable list in constant memory (raises ListFileError); reads no value."""
    inspect_workbook(content, limits=list_limits())


def read_list(content) -> WorkbookTable:
    """First sheet, header in row 1; raises ListFileError (message for the user) for a file it cannot trust."""
    return read_table(content, limits=list_limits(), template=_("比对名单模板"))


__all__ = ["ListFileError", "WorkbookTable", "column_letter", "inspect_list", "list_limits", "read_list"]
