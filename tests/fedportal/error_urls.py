"""The portal's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from fedportal.urls import urlpatterns as portal_urlpatterns


def fail_with_bug(request):
    raise RuntimeError("a bug")


def fail_suspicious(request):
    raise SuspiciousOperation("bad request")


def fail_denied(request):
    raise PermissionDenied("只能上传本乡镇（莲塘镇）的花名册。")


urlpatterns = [
    path("test-errors/bug/", fail_with_bug),
    path("test-errors/suspicious/", fail_suspicious),
    path("test-errors/denied/", fail_denied),
    *portal_urlpatterns,
]
