from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def figure(cell) -> str:
    """A table cell's value as a leader reads it: 1,234 / 1,234.00 / 85.3% / — for no data."""
    value, fmt = cell.get("value"), cell.get("fmt", "int")
    if fmt == "text":
        return "" if value is None else str(value)
    if value is None:
        return "—"
    if fmt == "money":
        return f"{Decimal(value):,.2f}"
    if fmt == "rate":
        return f"{Decimal(value):.1f}%"
    return f"{int(value):,}"
