"""Walk every URL of the project as every role and as an anonymous user: one test per URL, so a failure names its URL
and the walk spreads over workers.

- anonymous: sent to the login page (except the few public pages);
- a role without the view's capabilities: 403 (or 404);
- a role with them: 200, 302 or 405 (a POST-only view), never a server error;
- the township liaison asking for township B's objects by id: 403/404, and never the data.
"""

import re

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from fedportal.accounts.models import Role
from fedportal.accounts.permissions import has_perm
from fedportal.jobs.models import Job

from .factories import TownshipFactory, UserFactory, VillageFactory
from .world import build_world, collect_samples, county_wide_urls

PUBLIC_URLS = {"accounts:login", "healthz", "set_language"}
# Pages every signed-in user may open (their own jobs, their own password, the home page).
OPEN_TO_ALL_SIGNED_IN = {
    "home",
    "accounts:logout",
    "accounts:password_change",
    "jobs:job_list",
    "jobs:job_detail",
    "jobs:job_progress",
    "jobs:job_download",
    "jobs:job_retry",
    "jobs:job_cancel",
}


def _named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            child_ns = namespace
            if entry.namespace:
                child_ns = f"{namespace}{entry.namespace}:"
            yield from _named_patterns(entry, child_ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _all_url_names():
    return sorted({name for name, _pattern in _named_patterns()})


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for the whole module (built once, rolled back at the end); each test runs in a savepoint of it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            township = TownshipFactory(code="360121001", name="莲塘镇")
            other_township = TownshipFactory(code="360121002", name="向塘镇")
            users = {
                role: UserFactory(
                    username=role,
                    role=role,
                    township=township if role == Role.LIAISON else None,
                    is_staff=role == Role.ADMIN,
                    is_superuser=role == Role.ADMIN,
                )
                for role in Role
            }
            world = build_world(
                users=users,
                township=township,
                other_township=other_township,
                village=VillageFactory(township=township, code="360121001001", name="莲塘村"),
                other_village=VillageFactory(township=other_township, code="360121002001", name="向塘村"),
            )
            world.samples = collect_samples(world)
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _url(name, samples):
    try:
        return reverse(name)
    except Exception:  # noqa: BLE001 - needs kwargs
        if name not in samples:
            pytest.fail(f"URL {name!r} takes arguments: add a sample for it in tests/<app>/url_samples.py")
        return reverse(name, kwargs=samples[name])


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name in _all_url_names() if name != "set_language"])
def test_every_url_answers_every_role_as_expected(client, world, name):
    own_samples, _foreign = world.samples
    problems = []
    for role in [None, *Role]:
        client.logout()
        user = world.users[role] if role else None
        if user:
            client.force_login(user)
        samples = dict(own_samples)
        if name.startswith("jobs:job_") and name != "jobs:job_list":
            owner = user or world.users[Role.ADMIN]
            job = Job.objects.create(kind="system.selftest", created_by=owner, status="failed")
            samples[name] = {"job_id": job.pk}
        url = _url(name, samples)
        response = client.get(url)
        status = response.status_code
        if status >= 500:
            problems.append(f"{name} as {role}: server error {status}")
            continue
        if role is None:
            if name in PUBLIC_URLS:
                continue
            if status != 302 or "/accounts/login/" not in response.get("Location", ""):
                problems.append(f"{name} anonymous: expected a redirect to the login page, got {status}")
            continue
        view = resolve(url).func
        required = getattr(view, "required_perms", None)
        required_any = getattr(view, "required_any_perms", None)
        if required is None and required_any is None and name not in PUBLIC_URLS | OPEN_TO_ALL_SIGNED_IN:
            problems.append(f"{name}: the view declares no capabilities (use @require_perm)")
            continue
        allowed = all(has_perm(user, perm) for perm in (required or ())) and (
            required_any is None or any(has_perm(user, perm) for perm in required_any)
        )
        # The sample job has no result file, so its download is a 404 even for its owner.
        allowed_codes = {404} if name == "jobs:job_download" else {200, 302, 405}
        if allowed and status not in allowed_codes:
            problems.append(f"{name} as {role}: allowed, expected {sorted(allowed_codes)}, got {status}")
        if not allowed and status not in (403, 404):
            problems.append(f"{name} as {role}: not allowed, expected 403/404, got {status}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_liaison_never_reaches_another_townships_records(client, world):
    _own, foreign = world.samples
    liaison = world.users[Role.LIAISON]
    client.force_login(liaison)
    problems = []
    for name, kwargs in sorted(foreign.items()):
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        if response.status_code == 405:  # a POST-only action: it must refuse the foreign object too
            response = client.post(url, {})
        body = response.content.decode(errors="replace") if response.status_code == 200 else ""
        if response.status_code not in (403, 404):
            problems.append(f"{name}{kwargs}: expected 403/404 for the liaison, got {response.status_code}")
        if world.other_person.name in body or world.other_person.id_number in body:
            problems.append(f"{name}{kwargs}: the other township's person appears in the page")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_every_url_with_an_object_has_a_foreign_sample(world):
    """A URL that takes an object id must be tried against the other township too."""
    _own, foreign = world.samples
    county_wide = county_wide_urls()
    missing = []
    for name, pattern in _named_patterns():
        takes_id = bool(re.search(r"<int:\w+>", str(pattern.pattern)))
        if takes_id and not name.startswith("jobs:") and name not in foreign and name not in county_wide:
            missing.append(name)
    assert not missing, f"add foreign_samples for: {missing}"


@pytest.mark.django_db
def test_admin_site_is_for_administrators_only(client, world):
    for role, user in world.users.items():
        client.force_login(user)
        response = client.get("/admin/")
        if role == Role.ADMIN:
            assert response.status_code == 200
        else:
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
