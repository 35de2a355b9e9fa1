"""The demo county for `seed_demo`: the demo users here, everything else from the apps, lowest layer first.

Each app that has demo data provides `<app>.demo`, called in the order of INSTALLED_APPS (the layers' order: the
registry before certificates, certificates before subsidies and rehab), so an app finds the rows of the apps below
it. The platform imports none of them: it discovers the modules as Django discovers `admin.py`. Two phases:

1. `seed_demo_setup(*, context)`, when defined, always (the registry's divisions, whose first township the demo
   liaison is bound to); then the demo users;
2. `seed_demo_data(*, rng, today, stdout, context)` when persons are asked for (`--persons 0` skips it).
"""

import importlib
import os
import random
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.contrib.auth import get_user_model

from fedportal.accounts.models import Role

DEFAULT_DEMO_PASSWORD = "Fedportal-Demo-2026!"  # noqa: S105 - printed to the operator; DEMO_PASSWORD overrides it

DEMO_USERS = [
    ("admin", Role.ADMIN, "系统管理员"),
    ("caseworker", Role.CASEWORKER, "经办员小王"),
    ("reviewer", Role.REVIEWER, "审核员老李"),
    ("liaison", Role.LIAISON, "专职委员小陈"),
    ("leader", Role.LEADER, "张理事长"),
    ("finance", Role.FINANCE, "财务小刘"),
    ("finance2", Role.FINANCE, "财务老周"),
]


class DemoError(Exception):
    """The demo cannot be seeded here (the database already has data); the message says why."""


@dataclass
class DemoContext:
    """What the apps' demo seeders share: how many persons, the demo users, and what each reports back."""

    persons: int
    users: dict = field(default_factory=dict)  # username -> User, after the set-up phase
    liaison_township: object = None  # set by the registry's set-up: the demo liaison's township
    summary: dict = field(default_factory=dict)

    @property
    def acting_user(self):
        return self.users["caseworker"]


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def seed_users(*, liaison_township) -> dict:
    """The demo users, one a role; the liaison is bound to `liaison_township`."""
    User = get_user_model()
    password = demo_password()
    users = {}
    for username, role, full_name in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.role = role
        user.first_name = full_name
        user.township = liaison_township if role == Role.LIAISON else None
        user.is_staff = user.is_superuser = role == Role.ADMIN
        user.set_password(password)
        user.save()
        users[username] = user
    return users


def demo_modules() -> list:
    """`<app>.demo` of every installed app that has one, in INSTALLED_APPS (layer) order."""
    modules = []
    for config in apps.get_app_configs():
        if config.name == __name__.rsplit(".", 1)[0]:
            continue  # this module: the users, seeded first
        try:
            modules.append(importlib.import_module(f"{config.name}.demo"))
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
    return modules


def seed_demo(*, persons: int, rng: random.Random, today: date, stdout=None) -> DemoContext:
    context = DemoContext(persons=persons)
    modules = demo_modules()
    for module in modules:
        if hasattr(module, "seed_demo_setup"):
            module.seed_demo_setup(context=context)
    context.users = seed_users(liaison_township=context.liaison_township)
    if persons:
        for module in modules:
            module.seed_demo_data(rng=rng, today=today, stdout=stdout, context=context)
    return context
