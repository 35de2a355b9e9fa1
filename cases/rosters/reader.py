"""Reading an uploaded roster workbook through the platform's bounded reader (fedportal.core.workbooks).

Every refusal is a `RosterFileError` whose text is shown to the user as is; nothing is written before the file is read.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from fedportal.core.workbooks import WorkbookLimits, WorkbookRejected, WorkbookTable, column_letter, read_table

from .schema import max_bytes, max_rows

__all__ = ["RosterFileError", "RosterSheet", "column_letter", "read_roster", "roster_limits"]

# header, rows [(Excel row number, cells aligned with the header)], formula_cells {(Excel row, column index)}
RosterSheet = WorkbookTable


class RosterFileError(WorkbookRejected):
    """The file as a whole cannot be read; the message says why and what to do, in Chinese."""


def roster_limits() -> WorkbookLimits:
    """A roster: the upload limit, the row limit, and room for the contract's columns plus the user's own."""
    return WorkbookLimits(
        max_rows=max_rows(),
        max_cols=getattr(settings, "ROSTER_MAX_COLUMNS", 64),
        max_file_bytes=max_bytes(),
    )


def read_roster(content) -> RosterSheet:
    """Read the first sheet: header in row 1, data from row 2. Raises RosterFileError for a file it cannot trust.

    `content` is bytes, a path or an open binary file."""
    try:
        return read_table(content, limits=roster_limits(), template=_("花名册模板"))
    except WorkbookRejected as exc:
        raise RosterFileError(exc.message, code=exc.code) from None
