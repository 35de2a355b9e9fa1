"""Vocabularies shared by the rehab models: service and device types, money fields."""

from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 12, "decimal_places": 2}


class ServiceType(models.TextChoices):
    """The kinds of need and of service; a need of one type is met by a service of the same type."""

    REHAB_TRAINING = "training", _("康复训练")
    DEVICE = "device", _("辅助器具")
    HOME_CARE = "home_care", _("居家托养")
    ACCESSIBILITY = "accessibility", _("无障碍改造")
    MEDICATION = "medication", _("服药补助")
    SURGERY = "surgery", _("矫治手术")
    FAMILY_DOCTOR = "family_doctor", _("家庭医生签约")


class DeviceType(models.TextChoices):
    WHEELCHAIR = "wheelchair", _("轮椅")
    WALKER = "walker", _("助行器")
    CRUTCH = "crutch", _("拐杖")
    COMMODE = "commode", _("坐便椅")
    HEARING_AID = "hearing_aid", _("助听器")
    WHITE_CANE = "white_cane", _("盲杖")
    PROSTHESIS = "prosthesis", _("假肢")
    ORTHOSIS = "orthosis", _("矫形器")
    OTHER = "other", _("其他辅具")


# Replacement cycle in years (a default the caseworker may change per fitting).
DEVICE_REPLACEMENT_YEARS = {
    DeviceType.WHEELCHAIR: 5,
    DeviceType.WALKER: 3,
    DeviceType.CRUTCH: 2,
    DeviceType.COMMODE: 3,
    DeviceType.HEARING_AID: 5,
    DeviceType.WHITE_CANE: 2,
    DeviceType.PROSTHESIS: 4,
    DeviceType.ORTHOSIS: 2,
    DeviceType.OTHER: 3,
}
