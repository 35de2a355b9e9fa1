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
