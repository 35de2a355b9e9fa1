from .models import SensitiveAccess


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR")


def sensitive_access_record(*, user, person=None, field: str, detail: str = "", request=None) -> SensitiveAccess:
    return SensitiveAccess.objects.create(
        user=user, person=person, field=field, detail=detail[:200], ip_address=client_ip(request)
    )
