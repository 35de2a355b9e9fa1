from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SensitiveField(models.TextChoices):
    ID_NUMBER = "id_number", _("身份证号")
    PHONE = "phone", _("联系电话")
    ACCOUNT = "account", _("社保卡号")
    EXPORT = "export", _("导出明文")
    # A form that shows the full numbers to edit them (the person edit form).
    EDIT_FORM = "edit_form", _("修改表单（完整号码）")
    # An uploaded roster or its annotated copy downloaded: files of full numbers.
    ROSTER_FILE = "roster_file", _("花名册文件（完整号码）")
    # A township roster upload answered "registered in another township" for some rows (counted, never named).
    ROSTER_ELSEWHERE = "roster_elsewhere", _("花名册他乡镇登记查询")


class SensitiveAccess(models.Model):
    """Every view of a full ID, phone or account number: who saw whose, when (个人信息保护法 Art. 28)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("查看人")
    )
    person = models.ForeignKey(
        "cases.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("被查看人")
    )
    field = models.CharField(_("字段"), max_length=20, choices=SensitiveField.choices)
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("敏感信息查看记录")
        verbose_name_plural = _("敏感信息查看记录")
        indexes = [models.Index(fields=["person", "created_at"], name="sensitive_access_person")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_field_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class AccountEventKind(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKED_OUT = "locked_out", _("登录被锁定")
    LOGOUT = "logout", _("退出")
    CREATED = "created", _("新建账号")
    CHANGED = "changed", _("修改账号")
    DELETED = "deleted", _("删除账号")
    PASSWORD_CHANGED = "password_changed", _("本人修改密码")
    PASSWORD_RESET = "password_reset", _("重设他人密码")


class AccountEvent(models.Model):
    """Who did what to an account, and every sign-in, failed sign-in and sign-out (等保 2.0: 身份鉴别与安全审计).

    Written by signals (fedportal/audit/accounts.py), so the admin, a command and any service are covered alike. Names
    are kept as text beside the keys: the record outlives the account and the township's name at the time."""

    kind = models.CharField(_("事件"), max_length=20, choices=AccountEventKind.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_username = models.CharField(_("操作人用户名"), max_length=150, blank=True)
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("账号"),
    )
    target_username = models.CharField(_("账号用户名"), max_length=150, blank=True)
    role_before = models.CharField(_("原角色"), max_length=20, blank=True)
    role_after = models.CharField(_("新角色"), max_length=20, blank=True)
    township_before = models.CharField(_("原乡镇"), max_length=100, blank=True)
    township_after = models.CharField(_("新乡镇"), max_length=100, blank=True)
    # Other fields changed: {"is_active": [true, false], ...}; never a password hash.
    changes = models.JSONField(_("其他变更"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("账号审计记录")
        verbose_name_plural = _("账号审计记录")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.target_username} · {self.created_at:%Y-%m-%d %H:%M}"
