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
