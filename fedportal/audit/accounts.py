"""The account audit: signals record every change to a user (role, township binding, password, the rest), every
sign-in, failed sign-in, lock-out and sign-out, whoever made it (admin, command, service, the user).

The acting user is the one pghistory's middleware (or a job's or command's pghistory.context) put in the context;
the address is the request's, kept by AccountAuditMiddleware for the signals that have no request.
"""

from contextvars import ContextVar

from django.contrib.auth import get_user_model, user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.db.models.signals import post_delete, post_save, pre_save
from pghistory import runtime

from .models import AccountEvent, AccountEventKind
from .services import client_ip

_address: ContextVar[str | None] = ContextVar("fedportal_audit_address", default=None)

# Compared on every save besides role, township and password (last_login moves on each sign-in: not a change).
WATCHED = ("username", "first_name", "last_name", "email", "phone", "is_active", "is_staff", "is_superuser")


class AccountAuditMiddleware:
    """Keeps the request's address for the signals (a user saved in the admin has no request in its signal)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _address.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _address.reset(token)


def _actor_id():
    context = getattr(runtime._tracker, "value", None)
    return context.metadata.get("user") if context is not None else None


def _township_name(township_id) -> str:
    if not township_id:
        return ""
    model = get_user_model()._meta.get_field("township").related_model
    return model.objects.filter(pk=township_id).values_list("name", flat=True).first() or str(township_id)


def _record(kind, *, target=None, target_username="", actor=None, actor_id=None, request=None, **fields):
    if actor is None and actor_id:
        actor = get_user_model().objects.filter(pk=actor_id).first()
    return AccountEvent.objects.create(
        kind=kind,
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        target=target if target is not None and target.pk else None,
        target_username=(target.get_username() if target is not None else target_username)[:150],
        ip_address=client_ip(request) if request is not None else _address.get(),
        **fields,
    )


def _snapshot(user) -> dict:
    return {
        "role": user.role,
        "township_id": user.township_id,
        "password": user.password,
        **{name: getattr(user, name) for name in WATCHED},
    }


def user_pre_save(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and set(update_fields) <= {"last_login"}):
        instance._account_before = None
        return
    before = sender.objects.filter(pk=instance.pk).first()
    instance._account_before = _snapshot(before) if before is not None else None


def user_post_save(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    actor_id = _actor_id()
    if created:
        _record(
            AccountEventKind.CREATED,
            target=instance,
            actor_id=actor_id,
            role_after=instance.role,
            township_after=_township_name(instance.township_id),
            changes={name: [None, getattr(instance, name)] for name in ("is_active", "is_staff", "is_superuser")},
        )
        return
    before = getattr(instance, "_account_before", None)
    if before is None:
        return
    after = _snapshot(instance)
    if before["password"] != after["password"] and not _rehashed(before["password"], update_fields):
        own = actor_id is not None and actor_id == instance.pk
        _record(
            AccountEventKind.PASSWORD_CHANGED if own else AccountEventKind.PASSWORD_RESET,
            target=instance,
            actor_id=actor_id,
        )
    changes = {name: [before[name], after[name]] for name in WATCHED if before[name] != after[name]}
    role_changed = before["role"] != after["role"]
    township_changed = before["township_id"] != after["township_id"]
    if changes or role_changed or township_changed:
        _record(
            AccountEventKind.CHANGED,
            target=instance,
            actor_id=actor_id,
            role_before=before["role"],
            role_after=after["role"],
            township_before=_township_name(before["township_id"]),
            township_after=_township_name(after["township_id"]),
            changes=changes,
        )
    instance._account_before = None


def _rehashed(old_hash: str, update_fields) -> bool:
    """Django stores the same password under a stronger hash at sign-in (check_password saves only "password"):
    not a change of the password."""
    if update_fields is None or set(update_fields) != {"password"}:
        return False
    try:
        hasher = identify_hasher(old_hash)
    except ValueError:
        return False
    return hasher.algorithm != get_hasher("default").algorithm or hasher.must_update(old_hash)


def user_post_delete(sender, instance, **kwargs):
    _record(
        AccountEventKind.DELETED,
        target_username=instance.get_username(),
        actor_id=_actor_id(),
        role_before=instance.role,
        township_before=_township_name(instance.township_id),
    )


def logged_in(sender, request, user, **kwargs):
    _record(AccountEventKind.LOGIN, target=user, actor=user, request=request)


def logged_out(sender, request, user, **kwargs):
    if user is not None:
        _record(AccountEventKind.LOGOUT, target=user, actor=user, request=request)


def login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username") or "")[:150]
    user_model = get_user_model()
    target = user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).first() if username else None
    _record(AccountEventKind.LOGIN_FAILED, target=target, target_username=username, request=request)


def locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    username = str(username or "")[:150]
    user_model = get_user_model()
    target = user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).first() if username else None
    _record(AccountEventKind.LOCKED_OUT, target=target, target_username=username, request=request)


def connect() -> None:
    from axes.signals import user_locked_out

    user_model = get_user_model()
    pre_save.connect(user_pre_save, sender=user_model, dispatch_uid="audit.account.pre_save")
    post_save.connect(user_post_save, sender=user_model, dispatch_uid="audit.account.post_save")
    post_delete.connect(user_post_delete, sender=user_model, dispatch_uid="audit.account.post_delete")
    user_logged_in.connect(logged_in, dispatch_uid="audit.account.logged_in")
    user_logged_out.connect(logged_out, dispatch_uid="audit.account.logged_out")
    user_login_failed.connect(login_failed, dispatch_uid="audit.account.login_failed")
    user_locked_out.connect(locked_out, dispatch_uid="audit.account.locked_out")
