"""A small hand-counted county for the dashboard figures (two townships, seven persons), dated relative to today.

Township A (莲塘镇, the liaison's) and township B (向塘镇):

| person | township | certificate                             | other                                     |
|--------|----------|-----------------------------------------|-------------------------------------------|
| a1     | A        | 肢体 一级, valid                          | 低保; enrolled living + nursing            |
| a2     | A        | 肢体 二级, valid                          | enrolled living (not 低保: 应退未退)         |
| a3     | A        | 视力 三级, valid, expires in 30 days       |                                           |
| a4     | A        | 智力 二级, cancelled 20 days ago           |                                           |
| b1     | B        | 肢体 一级, valid                          | not enrolled in nursing (应享未享)          |
| b2     | B        | 精神 四级, valid, expires in 60 days       |                                           |
| b3     | B        | 多重 二级, expired last year (not valid)   |                                           |
"""

import uuid
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from cases.models import PovertyStatus
from certificates.models import CertificateLifecycleEvent, CertificateStatus, EndReason, EventKind
from fedportal.accounts.models import Role
from fedportal.core.clock import local_today
from fedportal.core.dates import add_months
from tests.factories import CertificateFactory, PersonFactory, PovertyRecordFactory


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch):
    """Each test its own cache keys (the dashboards' figures and approved runs are cached; never flush Redis)."""
    monkeypatch.setattr("dashboards.selectors.CACHE_VERSION", uuid.uuid4().hex)


@pytest.fixture
def dash_world(users, township, other_township, village, other_village, programs):
    from rehab.models import Need, ServiceRecord, ServiceType
    from subsidies.models import Budget, Enrollment, LineKind, PaymentLine, PaymentRun, Program, RunStatus

    today = local_today()
    month = today.replace(day=1)
    prev = add_months(month, -1)
    w = SimpleNamespace(
        today=today, month=month, prev=prev, users=users, township=township, other_township=other_township
    )

    def person(name, v, **kw):
        return PersonFactory(name=name, village=v, township=v.township, **kw)

    def cert(p, category, grade, *, issue=None, expiry=None, **kw):
        issue = issue or today - timedelta(days=400)
        expiry = expiry or issue + timedelta(days=3650)
        return CertificateFactory(person=p, category=category, grade=grade, issue_date=issue, expiry_date=expiry, **kw)

    w.a1, w.a2, w.a3, w.a4 = (person(n, village) for n in ("甲一", "甲二", "甲三", "甲四"))
    w.b1, w.b2, w.b3 = (person(n, other_village) for n in ("乙一", "乙二", "乙三"))
    PovertyRecordFactory(person=w.a1, status=PovertyStatus.DIBAO, start_date=today - timedelta(days=3000))
    w.a1.poverty_status = PovertyStatus.DIBAO
    w.a1.save()
    c_a1 = cert(w.a1, 4, 1)
    c_a2 = cert(w.a2, 4, 2)
    c_a3 = cert(w.a3, 1, 3, issue=today + timedelta(days=30) - timedelta(days=3650), expiry=today + timedelta(days=30))
    c_a4 = cert(
        w.a4, 5, 2, status=CertificateStatus.CANCELLED, ended_on=today - timedelta(days=20), end_reason=EndReason.DEATH
    )
    c_b1 = cert(w.b1, 4, 1)
    c_b2 = cert(w.b2, 6, 4, issue=today + timedelta(days=60) - timedelta(days=3650), expiry=today + timedelta(days=60))
    cert(w.b3, 7, 2, issue=today - timedelta(days=4000), expiry=today - timedelta(days=400))

    def event(c, kind, day):
        CertificateLifecycleEvent.objects.create(person=c.person, certificate=c, kind=kind, event_date=day)

    event(c_a1, EventKind.ISSUE, month)
    event(c_a2, EventKind.ISSUE, month)
    event(c_b1, EventKind.ISSUE, prev)
    event(c_a3, EventKind.RENEW, prev)
    event(c_a4, EventKind.CANCEL, month)
    event(c_b2, EventKind.ISSUE, today - timedelta(days=800))  # outside the 12 months
    event(c_a2, EventKind.CHANGE, month)  # not a counted kind

    living, nursing = Program.objects.get(code="living"), Program.objects.get(code="nursing")
    maker, checker = users[Role.FINANCE], users[Role.ADMIN]
    Enrollment.objects.create(person=w.a1, program=living, start_month=add_months(month, -6))
    Enrollment.objects.create(person=w.a1, program=nursing, start_month=add_months(month, -6))
    Enrollment.objects.create(person=w.a2, program=living, start_month=add_months(month, -6))

    def run(program, period, status=RunStatus.APPROVED):
        return PaymentRun.objects.create(
            program=program,
            period=period,
            as_of=period,
            status=status,
            created_by=maker,
            approved_by=checker if status == RunStatus.APPROVED else None,
        )

    def line(r, p, amount, kind=LineKind.CURRENT, m=None):
        PaymentLine.objects.create(
            run=r,
            program=r.program,
            person=p,
            township=p.township,
            month=m or r.period,
            kind=kind,
            tier="t",
            amount=Decimal(amount),
        )

    w.nursing_prev = run(nursing, prev)
    line(w.nursing_prev, w.a1, 100)
    line(w.nursing_prev, w.b1, 100)
    line(w.nursing_prev, w.a1, 100, LineKind.BACKPAY, add_months(prev, -1))
    w.living_prev = run(living, prev)
    line(w.living_prev, w.a1, 80)
    line(w.living_prev, w.a2, 50, LineKind.RECOVERY, add_months(prev, -1))  # money to take back: not paid
    draft = run(nursing, month, RunStatus.DRAFT)
    line(draft, w.a1, 100)  # a draft pays nothing
    w.nursing_month = run(nursing, month, RunStatus.APPROVED)
    line(w.nursing_month, w.a1, 100)
    Budget.objects.create(program=nursing, year=today.year, amount=Decimal("1000.00"))
    Budget.objects.create(program=living, year=today.year, amount=Decimal("800.00"))
    # What approved runs of this year paid (prev month may fall in last year in January).
    w.nursing_paid_this_year = Decimal(100 + (300 if prev.year == today.year else 0))
    w.living_paid_this_year = Decimal(80 if prev.year == today.year else 0)

    Need.objects.create(person=w.a1, need_type=ServiceType.REHAB_TRAINING, recorded_on=today)
    ServiceRecord.objects.create(
        person=w.a1, service_type=ServiceType.REHAB_TRAINING, served_on=today, amount=Decimal(200), subsidy=Decimal(100)
    )
    Need.objects.create(person=w.a2, need_type=ServiceType.DEVICE, device_type="wheelchair", recorded_on=today)
    ServiceRecord.objects.create(
        person=w.a2, service_type=ServiceType.DEVICE, served_on=today, amount=Decimal(900), subsidy=Decimal(900)
    )
    Need.objects.create(person=w.b1, need_type=ServiceType.DEVICE, device_type="walker", recorded_on=today)
    return w
