"""Registry benchmark: search and person-page times and list-page query counts at scale.

    # once: a 200,000-person county in your database
    DEBUG=true python manage.py seed_demo --persons 200000
    DEBUG=true python bench/registry.py [--samples 30] [--export]

Times are server side (Django test client inside this process, no network), median over the samples.
Query counts are taken for each list page with two page sizes of data behind them: they must not depend on rows.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fedportal.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from cases.models import Household, Person  # noqa: E402
from cases.selectors import person_list_for_page, person_list_for_user, person_search  # noqa: E402
from certificates.models import Certificate, CertificateStatus  # noqa: E402
from fedportal.accounts.models import Role, User  # noqa: E402


def timed(func) -> float:
    started = time.perf_counter()
    func()
    return (time.perf_counter() - started) * 1000


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples):8.1f} ms (max {max(samples):.1f})"


def get_ok(client: Client, url: str, params=None):
    # A full number goes through the search token (fedportal/core/search_tokens.py): the redirect is followed.
    response = client.get(url, params or {}, follow=True)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} {params} -> {response.status_code}")
    return response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--export", action="store_true", help="also time the XLSX export of one township")
    args = parser.parse_args()

    persons = Person.objects.count()
    user = User.objects.filter(role=Role.CASEWORKER, is_active=True).first()
    if user is None or persons == 0:
        raise SystemExit("no data: run `python manage.py seed_demo --persons 200000` first")
    print(
        f"persons {persons:,}  certificates {Certificate.objects.count():,}  households {Household.objects.count():,}"
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    # Spread the samples over the table, holders of an active certificate with a phone.
    holders = list(
        Certificate.objects.filter(status=CertificateStatus.ACTIVE, person__phone__gt="")
        .order_by("?")
        .values_list("person_id", "number", "person__id_number", "person__phone", "person__name")[: args.samples]
    )
    list_url = reverse("cases:person_list")
    get_ok(client, list_url)  # warm up connections, templates, caches

    print("\nsearch (GET /persons/?q=..., server side, median of", len(holders), "samples)")
    for label, pick in (
        ("ID number (18)", lambda h: h[2]),
        ("ID number prefix (10)", lambda h: h[2][:10]),
        ("certificate number (20)", lambda h: h[1]),
        ("phone (11)", lambda h: h[3]),
        ("name (full)", lambda h: h[4]),
        ("name (family name + 1)", lambda h: h[4][:2]),
    ):
        page_ms = [timed(lambda h=h, pick=pick: get_ok(client, list_url, {"q": pick(h)})) for h in holders]
        selector_ms = [
            timed(
                lambda h=h, pick=pick: list(
                    person_list_for_page(
                        persons=person_search(persons=person_list_for_user(user=user), query=pick(h)).order_by("-pk"),
                        user=user,
                    )[:25]
                )
            )
            for h in holders
        ]
        print(f"  {label:26} page {median_ms(page_ms)}   selector {median_ms(selector_ms)}")

    print("\nperson page (GET /persons/<pk>/)")
    detail_ms, detail_queries = [], []
    for holder in holders:
        with CaptureQueriesContext(connection) as queries:
            detail_ms.append(timed(lambda h=holder: get_ok(client, reverse("cases:person_detail", args=[h[0]]))))
        detail_queries.append(len(queries))
    print(
        f"  person page                  {median_ms(detail_ms)}   queries {min(detail_queries)}-{max(detail_queries)}"
    )

    print("\nlist pages: query count (page 1 and a far page must match) and time")
    township = Person.objects.values_list("township_id", flat=True).first()
    household = Person.objects.filter(household__isnull=False).values_list("household_id", flat=True).first()
    pages = [
        ("persons, no filter", list_url, {}),
        ("persons, category 肢体", list_url, {"category": 4}),
        ("persons, grade 1 + 3rd gen", list_url, {"grade": 1, "generation": 3}),
        ("persons, expiring in 90 days", list_url, {"expiring_days": 90}),
        ("persons, expired", list_url, {"certificate_state": "expired"}),
        ("persons, township + 低保", list_url, {"township": township, "poverty_status": "dibao"}),
        ("certificates, no filter", reverse("certificates:certificate_list"), {}),
        ("certificates, expiring 180 d", reverse("certificates:certificate_list"), {"expiring_days": 180}),
        ("household page", reverse("cases:household_detail", args=[household]), {}),
    ]
    for label, url, params in pages:
        counts, times = [], []
        for page in (1, 40):
            for _ in range(3):
                with CaptureQueriesContext(connection) as queries:
                    times.append(timed(lambda p=page, url=url, params=params: client.get(url, {**params, "page": p})))
            counts.append(len(queries))
        print(f"  {label:30} queries {counts[0]:>2} / {counts[1]:>2}   {median_ms(times)}")

    if args.export:
        ms = timed(
            lambda: b"".join(client.get(reverse("cases:person_export"), {"township": township}).streaming_content)
        )
        rows = Person.objects.filter(township_id=township).count()
        print(f"\nexport XLSX of one township ({rows:,} rows): {ms / 1000:.1f} s")


if __name__ == "__main__":
    main()
