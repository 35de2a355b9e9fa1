import pytest

from fedportal.core.spreadsheets import escape_formula, is_formula_like


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-", "'-"),
        ("@x", "'@x"),
        ("\tcmd", "'\tcmd"),
        ("张三", "张三"),
        (None, ""),
        (12, "12"),
    ],
)
def test_escape_formula(value, expected):
    assert escape_formula(value) == expected


def test_is_formula_like():
    assert is_formula_like("=HYPERLINK(1)") and is_formula_like("@SUM(A1)")
    assert not is_formula_like("张三") and not is_formula_like("") and not is_formula_like(5)
