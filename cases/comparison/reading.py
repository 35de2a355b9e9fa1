"""Reading an agency list: the same bounded reader and hostile-file defences as rosters.

A small adapter so that the comparison code names one function; the workbook reader itself is shared.
"""

from cases.rosters.reader import RosterFileError, RosterSheet, column_letter, read_roster

ListFileError = RosterFileError


def read_list(content: bytes) -> RosterSheet:
    """First sheet, header in row 1; raises ListFileError (message for the user) for a file it cannot trust."""
    return read_roster(content)


__all__ = ["ListFileError", "RosterSheet", "column_letter", "read_list"]
