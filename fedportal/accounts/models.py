from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("经办人")
    REVIEWER = "reviewer", _("审核人")
    LIAISON = "liaison", _("乡镇专职委员")
    LEADER = "leader", _("领导")
    FINANCE = "finance", _("财务")
    ADMIN = "admin", _("系统管理员")


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.CASEWORKER)
    township = models.ForeignKey(
        "cases.Township",
        verbose_name=_("所属乡镇(街道)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("乡镇专职委员必须绑定一个乡镇；县级用户留空。"),
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.LIAISON) | Q(township__isnull=False),
                name="liaison_has_township",
                violation_error_message=_("乡镇专职委员必须绑定乡镇。"),
            )
        ]

    def __str__(self) -> str:
        full_name = self.get_full_name()
        return f"{full_name}（{self.username}）" if full_name else self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
