import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassesValidator:
    """等保 2.0: a password mixes letters, digits and symbols."""

    def validate(self, password, user=None):
        missing = []
        if not re.search(r"[A-Za-z]", password):
            missing.append(_("字母"))
        if not re.search(r"\d", password):
            missing.append(_("数字"))
        if not re.search(r"[^A-Za-z0-9]", password):
            missing.append(_("符号"))
        if missing:
            raise ValidationError(
                _("密码必须同时包含字母、数字和符号，缺少：%(missing)s。") % {"missing": "、".join(missing)},
                code="password_character_classes",
            )

    def get_help_text(self):
        return _("密码必须同时包含字母、数字和符号。")


# Words people build "strong" passwords from: English ones and the site's own, and pinyin ones.
_COMMON_WORDS = {
    "password",
    "passwd",
    "pass",
    "admin",
    "administrator",
    "root",
    "user",
    "test",
    "guest",
    "welcome",
    "login",
    "letmein",
    "system",
    "manager",
    "master",
    "super",
    "superman",
    "iloveyou",
    "love",
    "hello",
    "china",
    "abc",
    "abcd",
    "abcde",
    "abcdef",
    "qwe",
    "asd",
    "zxc",
    "fedportal",
    "portal",
    "canlian",
    "cdpf",
    "canji",
    "canjiren",
    "woaini",
    "nihao",
    "aini",
    "mima",
    "zhongguo",
    "beijing",
    "shanghai",
    "changeme",
    "default",
    "secret",
}
_KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc4rfv5tgb", "qazwsxedcrfvtgb")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "@": "a", "$": "s", "!": "i"})
_INITIALS = [
    "zh",
    "ch",
    "sh",
    "b",
    "p",
    "m",
    "f",
    "d",
    "t",
    "n",
    "l",
    "g",
    "k",
    "h",
    "j",
    "q",
    "x",
    "r",
    "z",
    "c",
    "s",
    "y",
    "w",
    "",
]
_FINALS = [
    "iang",
    "iong",
    "uang",
    "ang",
    "eng",
    "ing",
    "ong",
    "ian",
    "iao",
    "uai",
    "uan",
    "van",
    "ai",
    "ei",
    "ao",
    "ou",
    "an",
    "en",
    "in",
    "un",
    "vn",
    "ia",
    "ie",
    "iu",
    "ua",
    "uo",
    "ui",
    "ve",
    "ue",
    "er",
    "a",
    "o",
    "e",
    "i",
    "u",
    "v",
]
_PINYIN = {initial + final for initial in _INITIALS for final in _FINALS if initial + final}


def _is_pinyin(letters: str, max_syllables: int = 3) -> bool:
    """Whether `letters` splits into at most `max_syllables` pinyin syllables (a name: zhangwei, wangxiaoming)."""
    best = {0: 0}
    for end in range(1, len(letters) + 1):
        counts = [
            best[start] + 1 for start in range(max(0, end - 6), end) if start in best and letters[start:end] in _PINYIN
        ]
        if counts:
            best[end] = min(counts)
    return len(letters) in best and best[len(letters)] <= max_syllables


def _is_walk(text: str) -> bool:
    return len(text) >= 3 and any(text in row or text in row[::-1] for row in _KEYBOARD_ROWS)


def _weak_digits(digits: str) -> bool:
    """Digits anyone would try: a run (123456, 654321), one repeated digit, a year or a date, or a short number."""
    if len(digits) <= 4 or len(set(digits)) == 1 or _is_walk(digits):
        return True
    if re.fullmatch(r"(\d{2,4})\1+", digits) or re.fullmatch(r"(?:520|521|1314|888|666|168|123|000|111)+", digits):
        return True
    return bool(re.fullmatch(r"(19|20)\d{2}((0[1-9]|1[0-2])([0-2]\d|3[01])?)?", digits))


class CommonPatternValidator:
    """Refuses what password lists are built from: a common word, a keyboard walk or a pinyin name, with a run of
    digits and a symbol added (Password123!, Admin@123456, Qwerty123456!, 1qaz@WSX3edc, zhangwei1988!)."""

    def validate(self, password, user=None):
        lowered = password.lower()
        compact = re.sub(r"[^a-z0-9]", "", lowered)
        # The word in the middle, digits and symbols stripped from both ends, l33t read as letters (p@ssw0rd).
        core = re.sub(r"^[\d\W_]+|[\d\W_]+$", "", lowered)
        word = re.sub(r"[^a-z]", "", core.translate(_LEET))
        digits = re.sub(r"\D", "", lowered.replace(core, "", 1)) or "0"
        reasons = (
            _is_walk(compact),
            any(_is_walk(part) and len(part) >= 6 for part in re.findall(r"[a-z0-9]+", lowered)),
            bool(re.fullmatch(r"(?:1qaz|2wsx|3edc|4rfv|5tgb|qaz|wsx|edc|rfv|zaq|xsw|cde)+\d*", compact)),
            word in _COMMON_WORDS and _weak_digits(digits),
            _is_walk(word) and _weak_digits(digits),
            bool(word) and _is_pinyin(word) and _weak_digits(digits),
            len(set(compact)) <= 3,
        )
        if any(reasons):
            raise ValidationError(
                _(
                    "密码太常见：常用单词、键盘连续按键或拼音姓名加上简单数字和符号（如 Password123!、Admin@123456、"
                    "Qwerty123456!、zhangwei1988!）很容易被猜中。请换一个不相关的词组合。"
                ),
                code="password_common_pattern",
            )

    def get_help_text(self):
        return _("不能是常用单词、键盘连续按键或拼音姓名加简单数字的组合。")
