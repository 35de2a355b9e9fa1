"""Every public service authorizes its caller before it writes (`fedportal.accounts.permissions.authorize`).

- SERVICES lists every public function of the services modules with the capability it needs; a check fails when a
  new public function appears that is neither listed there nor in NOT_SERVICES (with the reason it takes no acting
  user), so a new service cannot be forgotten.
- Each service, called as township A's liaison on township B's objects, raises PermissionDenied and writes nothing
  (no row inserted, updated or deleted in the transaction: PostgreSQL's pg_stat_xact_user_tables).
- Each service, called by every role lacking its capability on township A's objects, does the same.

Arguments are built from the parameter names (`person`, `certificate`, `run`…); any other required argument gets
None, which is never reached: authorization comes first.
"""

import importlib
import inspect
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from cases.models import ExclusionKind, PersonExclusion
from community.models import JobFair
from fedportal.accounts.models import Role
from fedportal.accounts.permissions import Perm, has_perm
from subsidies.models import Enrollment, Program

from .test_permissions_walk import world  # noqa: F401 - the module's world fixture

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(
    str(path.relative_to(ROOT).with_suffix("")).replace("/", ".")
    for path in [
        *ROOT.glob("*/services/*.py"),
        ROOT / "community" / "services.py",
        ROOT / "cases" / "rosters" / "services.py",
        ROOT / "cases" / "comparison" / "services.py",
        ROOT / "dashboards" / "services.py",
    ]
    if path.name != "__init__.py" and not path.name.startswith("_")
)

P = Perm
SERVICES: dict[str, Perm | tuple[Perm, ...]] = {
    # cases
    "cases.services.exclusions.exclusion_record": P.EXCLUSION_EDIT,
    "cases.services.exclusions.exclusion_end": P.EXCLUSION_EDIT,
    "cases.services.households.household_create": P.PERSON_EDIT,
    "cases.services.households.household_add_member": P.PERSON_EDIT,
    "cases.services.households.household_remove_member": P.PERSON_EDIT,
    "cases.services.households.household_set_head": P.PERSON_EDIT,
    "cases.services.persons.person_create": P.PERSON_EDIT,
    "cases.services.persons.person_register": P.PERSON_EDIT,
    "cases.services.persons.person_update": P.PERSON_EDIT,
    "cases.services.persons.poverty_status_set": P.PERSON_EDIT,
    "cases.services.persons.person_mark_deceased": P.PERSON_EDIT,
    "cases.services.persons.person_mark_moved_out": P.PERSON_EDIT,
    "cases.services.persons.person_death_date_correct": P.PERSON_EDIT,
    "cases.services.persons.person_moved_out_date_correct": P.PERSON_EDIT,
    "cases.services.persons.person_note_add": P.PERSON_EDIT,
    "cases.rosters.services.roster_apply": P.ROSTER_UPLOAD,  # ROSTER_ENROLLMENTS for an enrollments roster
    "cases.rosters.services.roster_upload": P.ROSTER_UPLOAD,
    "cases.rosters.services.roster_confirm": P.ROSTER_UPLOAD,
    "cases.rosters.services.roster_import": P.ROSTER_UPLOAD,
    "cases.rosters.services.roster_annotate": P.ROSTER_UPLOAD,
    "cases.comparison.services.comparison_upload": P.COMPARISON_UPLOAD,
    "cases.comparison.services.comparison_apply_start": P.COMPARISON_APPLY,
    "cases.comparison.services.finding_deselect": P.COMPARISON_APPLY,
    "cases.comparison.services.finding_reselect": P.COMPARISON_APPLY,
    "dashboards.services.report_request": P.REPORT_GENERATE,
    # certificates
    "certificates.services.assessments.assessment_record": P.CERTIFICATE_EDIT,
    "certificates.services.assessments.assessment_review": P.CERTIFICATE_REVIEW,
    "certificates.services.assessments.assessment_reject": P.CERTIFICATE_REVIEW,
    "certificates.services.lifecycle.certificate_issue": P.CERTIFICATE_EDIT,
    "certificates.services.lifecycle.certificate_renew": P.CERTIFICATE_EDIT,
    "certificates.services.lifecycle.certificate_change": P.CERTIFICATE_EDIT,
    "certificates.services.lifecycle.certificate_reissue": P.CERTIFICATE_EDIT,
    "certificates.services.lifecycle.certificate_transfer_in": P.CERTIFICATE_EDIT,
    "certificates.services.lifecycle.certificate_transfer_out": P.CERTIFICATE_EDIT,
    "certificates.services.lifecycle.certificate_cancel": P.CERTIFICATE_EDIT,
    # The consequences of a death or a move recorded by someone with PERSON_EDIT (cases.hooks).
    "certificates.services.lifecycle.certificate_transfer_out_on_move": P.PERSON_EDIT,
    "certificates.services.lifecycle.certificate_cancel_on_death": P.PERSON_EDIT,
    # rehab
    "rehab.services.care.child_rescue_create": P.REHAB_EDIT,
    "rehab.services.care.fitting_start": P.REHAB_EDIT,
    "rehab.services.care.fitting_from_need": P.REHAB_EDIT,
    "rehab.services.care.fitting_assess": P.REHAB_EDIT,
    "rehab.services.care.fitting_fit": P.REHAB_EDIT,
    "rehab.services.care.fitting_follow_up": P.REHAB_EDIT,
    "rehab.services.care.fitting_cancel": P.REHAB_EDIT,
    "rehab.services.care.home_care_plan_create": P.REHAB_EDIT,
    "rehab.services.care.home_care_plan_end": P.REHAB_EDIT,
    "rehab.services.care.home_care_visit_record": P.REHAB_EDIT,
    "rehab.services.care.renovation_create": P.REHAB_EDIT,
    "rehab.services.care.renovation_complete": P.REHAB_EDIT,
    "rehab.services.needs.need_create": P.REHAB_EDIT,
    "rehab.services.needs.need_cancel": P.REHAB_EDIT,
    "rehab.services.needs.service_record_create": P.REHAB_EDIT,
    "rehab.services.needs.survey_round_create": P.REHAB_EDIT,
    "rehab.services.needs.survey_round_set_status": P.REHAB_EDIT,
    "rehab.services.needs.survey_record_save": P.SURVEY_EDIT,
    "rehab.services.providers.provider_save": P.REHAB_EDIT,
    "rehab.services.providers.provider_contract_add": P.REHAB_EDIT,
    "rehab.services.providers.provider_service_save": P.REHAB_EDIT,
    # subsidies
    "subsidies.services.applications.application_submit": P.APPLICATION_ENTER,
    "subsidies.services.applications.application_township_check": P.APPLICATION_TOWNSHIP_CHECK,
    "subsidies.services.applications.application_decide": P.APPLICATION_REVIEW,
    "subsidies.services.bank_returns.check_reconcile_allowed": P.PAYMENT_EXPORT,
    "subsidies.services.bank_returns.bank_return_upload": P.PAYMENT_EXPORT,
    "subsidies.services.bank_returns.bank_return_reconcile": P.PAYMENT_EXPORT,
    "subsidies.services.bank_returns.payment_account_correct": (P.PAYMENT_ACCOUNT_EDIT, P.PERSON_EDIT),
    "subsidies.services.budgets.budget_set": P.BUDGET_EDIT,
    "subsidies.services.enrollments.enrollment_bulk_upsert": P.ROSTER_ENROLLMENTS,
    "subsidies.services.enrollments.enrollment_set_status": P.APPLICATION_REVIEW,
    "subsidies.services.runs.payment_run_create": P.PAYMENT_RUN_CREATE,
    "subsidies.services.runs.payment_run_recompute": P.PAYMENT_RUN_CREATE,
    "subsidies.services.runs.payment_run_approve": P.PAYMENT_RUN_APPROVE,
    "subsidies.services.runs.payment_run_approve_start": P.PAYMENT_RUN_APPROVE,
    "subsidies.services.runs.payment_run_discard": P.PAYMENT_RUN_CREATE,
    # community
    **{
        f"community.services.{name}": P.COMMUNITY_EDIT
        for name in (
            "training_session_create",
            "training_attendance_add",
            "training_attendance_remove",
            "job_fair_create",
            "job_referral_create",
            "job_referral_place",
            "workshop_create",
            "workshop_worker_add",
            "workshop_worker_leave",
            "relief_visit_create",
            "legal_case_open",
            "legal_case_close",
            "culture_event_create",
            "event_participant_add",
            "screening_tally_record",
            "suspected_report_create",
            "suspected_report_resolve",
        )
    },
}

# Public functions that are not services: they take no acting user and write nothing of their own, or they are the
# body of a job whose start was authorized (the job row carries the user).
NOT_SERVICES = {
    "dashboards.services.previous_month": "a date helper",
    "dashboards.services.report_title": "a title in words",
    "cases.rosters.services.column_order": "a constant",
    "cases.rosters.services.upload_township_for": "a check used by roster_upload and the command",
    "cases.rosters.services.check_kind_allowed": "a check used by roster_upload and the command",
    "cases.rosters.services.roster_check": "validates a file, writes nothing (the command may run it without a user)",
    "cases.rosters.services.roster_validate": "the job body of roster_upload (authorized)",
    "cases.rosters.services.roster_annotated_job": "a read",
    "cases.rosters.services.roster_purge_files": "the nightly retention task's body (no acting user)",
    "cases.comparison.services.comparison_compare": "the job body of comparison_upload (authorized)",
    "cases.comparison.services.comparison_apply": "the job body of comparison_apply_start (authorized); when the "
    "capability was lost meanwhile it applies nothing and the list waits",
    "rehab.services.care.child_rescue_check_age": "a check (also used by the form)",
    "rehab.services.providers.provider_check_assignable": "a check used by the services",
    "subsidies.services.applications.application_eligibility": "a read: the rule's reasons for one application",
    "subsidies.services.bank_returns.read_return_workbook": "reads an uploaded file",
    "subsidies.services.bank_returns.inspect_return_workbook": "checks an uploaded file's shape, writes nothing",
    "subsidies.services.bank_returns.return_limits": "the reader's limits for a run",
    "subsidies.services.bank_returns.bank_return_check": "checks a return against the run, writes nothing",
    "subsidies.services.bank_returns.bank_return_job_run": "the job body of bank_return_upload (authorized)",
    "subsidies.services.bank_returns.bank_return_process": "called by bank_return_reconcile and the job body",
    "subsidies.services.frozen.freeze_run_lines": "SQL step of payment_run_approve (authorized)",
    "subsidies.services.frozen.insert_resend_lines": "SQL step of the run computation (a job)",
    "subsidies.services.frozen.resends_claim": "SQL step of payment_run_approve (authorized)",
    "subsidies.services.runs.parse_period": "parses text",
    "subsidies.services.runs.program_parameter": "a read",
    "subsidies.services.runs.payment_run_compute": "the job body of payment_run_create/recompute (authorized)",
    "subsidies.services.runs.compute_params": "a step of the run's job body",
    "subsidies.services.runs.judge_and_write": "a step of the run's job body (or of one of its chunks)",
    "subsidies.services.runs.lock_draft": "a step of the run's job body",
    "subsidies.services.runs.prepare_session": "a step of the run's job body",
    "subsidies.services.runs.store_totals": "a step of the run's job body",
    "subsidies.services.run_chunks.payment_run_compute_job": "the job body of payment_run_create/recompute (authorized)",
    "subsidies.services.run_chunks.payment_run_compute_in_chunks": "the job body, chunked (authorized at create)",
    "subsidies.services.run_chunks.compute_one_chunk": "a chunk of an authorized run's job (Celery task)",
    "subsidies.services.runs.previous_approved_run": "a read",
    "subsidies.services.runs.approval_job_in_progress": "a read",
    "subsidies.services.runs.approval_job_latest": "a read",
    "subsidies.services.runs.payment_run_approve_job_run": "the job body of payment_run_approve_start (authorized)",
}


def _public_functions():
    found = {}
    for dotted in MODULES:
        module = importlib.import_module(dotted)
        for name, function in vars(module).items():
            if inspect.isfunction(function) and function.__module__ == dotted and not name.startswith("_"):
                found[f"{dotted}.{name}"] = function
    return found


def test_every_public_service_is_listed():
    found = _public_functions()
    unlisted = sorted(set(found) - set(SERVICES) - set(NOT_SERVICES))
    assert not unlisted, f"add to SERVICES (with its capability) or NOT_SERVICES: {unlisted}"
    gone = sorted((set(SERVICES) | set(NOT_SERVICES)) - set(found))
    assert not gone, f"listed but not found: {gone}"
    with_user = sorted(
        name
        for name, function in found.items()
        if {"acting_user", "user"} & set(inspect.signature(function).parameters)
        and name not in SERVICES
        and name not in NOT_SERVICES
    )
    assert not with_user, f"these take the acting user, so they are services (or say why not): {with_user}"


def _objects(world, side: str) -> dict:  # noqa: F811
    """Arguments by parameter name, for township A ("own") or B ("foreign")."""
    own = side == "own"
    person = world.person if own else world.other_person
    township = world.township if own else world.other_township
    program = Program.objects.get(code="nursing")
    community = world.community_a if own else world.community_b
    rehab = world.rehab_a if own else world.rehab_b
    exclusion = PersonExclusion.objects.get_or_create(
        person=person,
        kind=ExclusionKind.values[0],
        start_date=date(2026, 1, 1),
        defaults={"source": "测试", "created_by": world.users[Role.ADMIN]},
    )[0]
    enrollment = Enrollment.objects.get_or_create(
        person=person, program=program, defaults={"start_month": date(2026, 1, 1)}
    )[0]
    job_fair = JobFair.objects.get_or_create(title=f"招聘会{side}", township=township, held_on=date(2026, 4, 1))[0]
    return {
        "roster": world.roster if own else world.other_roster,
        "comparison": world.comparison,
        "finding": world.finding if own else world.other_finding,
        "person": person,
        "household": world.household if own else world.other_household,
        "village": world.village if own else world.other_village,
        "township": township,
        "certificate": world.certificate if own else world.other_certificate,
        "assessment": world.certificates_assessment if own else world.certificates_other_assessment,
        "application": world.subsidies_application if own else world.subsidies_other_application,
        "exclusion": exclusion,
        "enrollment": enrollment,
        "rows": [
            {
                "person_id": person.pk,
                "program_code": "nursing",
                "start_month": date(2026, 1, 1),
                "paid_through": None,
                "note": "",
            }
        ],
        "line": world.subsidies_failed_line if own else world.subsidies_other_failed_line,
        "run": world.subsidies_run,
        "program": program,
        "provider": world.rehab_provider,
        "survey_round": world.rehab_round,
        "need": rehab["need"],
        "fitting": rehab["fitting"],
        "plan": rehab["plan"],
        "renovation": rehab["renovation"],
        "session": community["session"],
        "attendance": community["attendance"],
        "workshop": community["workshop"],
        "worker": community["worker"],
        "event": community["event"],
        "referral": community["referral"],
        "case": community["case"],
        "report": community["report"],
        "job_fair": job_fair,
    }


# Parameters whose name means another object in one service: roster_apply's `report` is a roster check's report,
# whose `.kind` and `.township_id` are all it reads before authorizing (a roster has the same attributes).
ALIASES = {"cases.rosters.services.roster_apply": {"report": "roster"}}


def _kwargs(function, objects: dict, user) -> dict:
    kwargs = {}
    aliases = ALIASES.get(f"{function.__module__}.{function.__name__}", {})
    for name, parameter in inspect.signature(function).parameters.items():
        if name in ("acting_user", "user"):
            kwargs[name] = user
        elif aliases.get(name, name) in objects:
            kwargs[name] = objects[aliases.get(name, name)]
        elif parameter.kind is parameter.VAR_KEYWORD:
            continue
        elif parameter.default is inspect.Parameter.empty:
            kwargs[name] = None
    return kwargs


def _writes() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
        return cursor.fetchone()[0]


def _refused(function, kwargs) -> str | None:
    """None when the call raised PermissionDenied and wrote nothing; otherwise what happened."""
    before = _writes()
    try:
        function(**kwargs)
    except PermissionDenied:
        after = _writes()
        return None if after == before else f"refused, but wrote {after - before} rows first"
    except Exception as exc:  # noqa: BLE001 - any other outcome is the failure to report
        return f"{type(exc).__name__}: {exc}"[:200]
    return "not refused"


@pytest.mark.django_db
def test_township_a_liaison_is_refused_on_township_b_objects(world):  # noqa: F811
    liaison = world.users[Role.LIAISON]
    objects = _objects(world, "foreign")
    functions = _public_functions()
    problems = []
    for name in sorted(SERVICES):
        function = functions[name]
        outcome = _refused(function, _kwargs(function, objects, liaison))
        if outcome:
            problems.append(f"{name}: {outcome}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_every_role_lacking_the_capability_is_refused(world):  # noqa: F811
    objects = _objects(world, "own")
    functions = _public_functions()
    problems = []
    for name, perm in sorted(SERVICES.items()):
        perms = perm if isinstance(perm, tuple) else (perm,)
        for role, user in world.users.items():
            if any(has_perm(user, one) for one in perms):
                continue
            function = functions[name]
            outcome = _refused(function, _kwargs(function, objects, user))
            if outcome:
                problems.append(f"{name} as {role}: {outcome}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_no_acting_user_is_refused(world):  # noqa: F811
    objects = _objects(world, "own")
    functions = _public_functions()
    problems = []
    for name in sorted(SERVICES):
        function = functions[name]
        outcome = _refused(function, _kwargs(function, objects, None))
        if outcome:
            problems.append(f"{name}: {outcome}")
    assert not problems, "\n".join(problems)
