"""Malformed values in every filter and form of every page: a 400 (or the form again with its message), never a 500.

Walks the URL conf with the apps' url_samples as the administrator (who may open every page), reads the names of
the fields of each page's forms, and sends each of them (and the usual list parameters) hostile values: NUL bytes,
text where a number or date belongs, negative and enormous numbers, impossible dates, very long text.
"""

import os
import re

import pytest
from django.urls import reverse

from fedportal.accounts.models import Role

from .test_permissions_walk import _all_url_names, _url
from .world import build_world, collect_samples

HOSTILE_VALUES = ["a\x00b", "abc", "-1", "99999999999999999999999", "2026-13-45"]
COMMON_PARAMETERS = ["page", "year", "month", "period", "township", "status", "q", "program", "kind", "sort", "on"]
SKIP = {"set_language", "accounts:logout", "healthz"}
_FIELD = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", re.IGNORECASE)


# The two walks send thousands of requests (about ten minutes on the 2-core machine): run them with FEDPORTAL_FUZZ=1.
walk = pytest.mark.skipif(not os.environ.get("FEDPORTAL_FUZZ"), reason="slow walk: set FEDPORTAL_FUZZ=1")


@pytest.fixture
def world(users, township, other_township, village, other_village):
    return build_world(
        users=users, township=township, other_township=other_township, village=village, other_village=other_village
    )


@walk
@pytest.mark.django_db
def test_no_page_answers_a_server_error_to_malformed_parameters(client, world):
    from fedportal.jobs.models import Job

    own_samples, _foreign = collect_samples(world)
    admin = world.users[Role.ADMIN]
    client.force_login(admin)
    client.raise_request_exception = False
    job = Job.objects.create(kind="system.selftest", created_by=admin, status="failed")
    problems = []
    for name in _all_url_names():
        if name in SKIP:
            continue
        samples = dict(own_samples)
        if name.startswith("jobs:job_") and name != "jobs:job_list":
            samples[name] = {"job_id": job.pk}
        url = _url(name, samples)
        first = client.get(url)
        if first.status_code >= 500:
            problems.append(f"{name}: {first.status_code} without parameters")
            continue
        body = first.content.decode(errors="replace") if first.status_code == 200 and not first.streaming else ""
        fields = sorted(set(_FIELD.findall(body)) - {"csrfmiddlewaretoken"} | set(COMMON_PARAMETERS))
        for field in fields:
            for value in HOSTILE_VALUES:
                response = client.get(url, {field: value})
                if response.status_code >= 500:
                    problems.append(f"{name} ?{field}={value[:20]!r}: {response.status_code}")
                    break
    assert not problems, "\n".join(problems)


@walk
@pytest.mark.django_db
def test_no_form_answers_a_server_error_to_malformed_posts(client, world):
    """Every page's form posted back with each field malformed (the others as the page filled them)."""
    own_samples, _foreign = collect_samples(world)
    admin = world.users[Role.ADMIN]
    client.force_login(admin)
    client.raise_request_exception = False
    problems = []
    for name in _all_url_names():
        if name in SKIP or name.startswith("jobs:") or name.startswith("accounts:"):
            continue
        url = _url(name, own_samples)
        page = client.get(url)
        if page.status_code != 200 or page.streaming or "<form" not in page.content.decode(errors="replace"):
            continue
        body = page.content.decode(errors="replace")
        if 'method="post"' not in body.lower():
            continue
        fields = sorted(set(_FIELD.findall(body)) - {"csrfmiddlewaretoken"})
        for field in fields:
            for value in ("a\x00b", "abc", "-1", "99999999999999999999999"):
                response = client.post(url, {field: value})
                if response.status_code >= 500:
                    problems.append(f"POST {name} {field}={value[:20]!r}: {response.status_code}")
                    break
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_a_bad_filter_value_is_a_400_with_its_message(client, users):
    client.force_login(users[Role.ADMIN])
    response = client.get(reverse("subsidies:budget_list"), {"year": "abc"})
    assert response.status_code == 400
    assert "年度" in response.content.decode() or "整数" in response.content.decode()
