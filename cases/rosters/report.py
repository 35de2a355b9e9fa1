"""What validating a roster produces: every issue by row and column, and the counts of what an import would do."""

from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass
class RosterReport:
    kind: str
    rows: int = 0
    issues: list[dict] = field(default_factory=list)
    file_error: str = ""
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0
    # Rows answered "registered in another township" (a township upload): counted and audited per upload.
    elsewhere: int = 0
    # Kind-specific: what the writer needs; never stored.
    plan: Any = None
    # The township the rows were checked for (None: county-wide); roster_apply authorizes the writer on it.
    township_id: int | None = None
    _invalid: set = field(default_factory=set)

    def error(self, row: int | None, column: str, message: str) -> None:
        self.issues.append({"row": row, "column": column, "message": str(message), "level": ERROR})
        if row is not None:
            self._invalid.add(row)

    def warning(self, row: int | None, column: str, message: str) -> None:
        self.issues.append({"row": row, "column": column, "message": str(message), "level": WARNING})

    def fail_file(self, message: str) -> None:
        self.file_error = str(message)
        self.issues = [{"row": None, "column": "", "message": self.file_error, "level": ERROR}]

    def is_invalid_row(self, row: int) -> bool:
        return row in self._invalid

    @property
    def invalid_rows(self) -> int:
        return len(self._invalid)

    @property
    def valid_rows(self) -> int:
        return self.rows - self.invalid_rows

    @property
    def is_valid(self) -> bool:
        return not self.file_error and not self._invalid and self.rows > 0

    def sorted_issues(self, column_order: list[str]) -> list[dict]:
        order = {name: index for index, name in enumerate(column_order)}
        return sorted(
            self.issues,
            key=lambda issue: (issue["row"] or 0, order.get(issue["column"], len(order)), issue["level"] != ERROR),
        )

    def counts(self) -> dict:
        return {
            "rows": self.rows,
            "valid": self.valid_rows,
            "invalid": self.invalid_rows,
            "to_create": self.to_create,
            "to_update": self.to_update,
            "unchanged": self.unchanged,
            "elsewhere": self.elsewhere,
        }
