"""`payment_run create|approve|export|reconcile` (CONTRACT.md): the same services as the web pages."""

import time
from datetime import date

import pghistory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from fedportal.accounts.permissions import Perm, has_perm
from fedportal.jobs.models import Job, JobStatus
from subsidies.exports import payment_sheet_export
from subsidies.models import PaymentRun, Program
from subsidies.services import parse_period, payment_run_approve, payment_run_create
from subsidies.services.bank_returns import bank_return_reconcile


def _messages(exc: ValidationError) -> str:
    return "; ".join(str(m) for m in exc.messages)


class Command(BaseCommand):
    help = "发放批次：create 计算草稿，approve 审批，export 导出发放表，reconcile 登记银行回盘。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="计算草稿批次并等待完成")
        create.add_argument("--program", required=True, help="living|nursing|education|multi")
        create.add_argument("--period", required=True, help="YYYY-MM 或 YYYY")
        create.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD（年度项目的认定日期）")
        create.add_argument("--user", required=True)
        create.add_argument("--timeout", type=float, default=3600)
        approve = sub.add_parser("approve", help="审批草稿批次（不能由制表人审批）")
        approve.add_argument("run_id", type=int)
        approve.add_argument("--user", required=True)
        export = sub.add_parser("export", help="导出审批通过批次的发放表")
        export.add_argument("run_id", type=int)
        export.add_argument("--xlsx", required=True)
        export.add_argument("--pdf")
        export.add_argument("--user", help="导出人（须有导出发放表权限）；默认为审批人")
        export.add_argument("--bank", help="只导出该开户银行的发放表（序号沿用整批次的序号）")
        reconcile = sub.add_parser("reconcile", help="登记银行回盘（发放结果）")
        reconcile.add_argument("run_id", type=int)
        reconcile.add_argument("file")
        reconcile.add_argument("--user", required=True)
        reconcile.add_argument("--bank", help="回盘是该开户银行的发放表（只核对该银行的明细）")

    def handle(self, *args, **options):
        action = options["action"]
        try:
            return getattr(self, f"do_{action}")(options)
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None
        except PermissionDenied:
            raise CommandError("该用户无权执行此操作。") from None

    def _user(self, username, perm):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在：{username}")
        if not has_perm(user, perm):
            raise CommandError(f"用户 {username} 无此权限：{perm}")
        return user

    def _run(self, run_id) -> PaymentRun:
        run = PaymentRun.objects.select_related("program").filter(pk=run_id).first()
        if run is None:
            raise CommandError(f"发放批次不存在：{run_id}")
        return run

    def do_create(self, options):
        user = self._user(options["user"], Perm.PAYMENT_RUN_CREATE)
        program = Program.objects.filter(code=options["program"]).first()
        if program is None:
            raise CommandError(f"未知的项目代码：{options['program']}")
        period = parse_period(program, options["period"])
        as_of = None
        if options["as_of"]:
            try:
                as_of = date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError("--as-of 格式应为 YYYY-MM-DD") from None
        with pghistory.context(user=user.pk, command="payment_run create"):
            run = payment_run_create(program=program, period=period, as_of=as_of, acting_user=user)
        deadline = time.monotonic() + options["timeout"]
        while True:
            job = Job.objects.get(pk=run.job_id)
            if job.is_finished:
                break
            if time.monotonic() > deadline:
                raise CommandError(f"等待计算超时（任务 {job.pk} 仍在进行，请确认 worker 已启动）")
            time.sleep(0.2)
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"计算失败：{job.error.splitlines()[0] if job.error else job.status}")
        run.refresh_from_db()
        self.stdout.write(f"run {run.pk} lines {run.lines_count} total {run.total:.2f}")

    def do_approve(self, options):
        user = self._user(options["user"], Perm.PAYMENT_RUN_APPROVE)
        run = self._run(options["run_id"])
        with pghistory.context(user=user.pk, command="payment_run approve"):
            run = payment_run_approve(run=run, acting_user=user)
        self.stdout.write(f"run {run.pk} approved lines {run.lines_count} total {run.total:.2f}")

    def do_export(self, options):
        run = self._run(options["run_id"])
        if options["user"]:
            user = self._user(options["user"], Perm.PAYMENT_EXPORT)
        else:
            user = run.approved_by
            if user is None or not has_perm(user, Perm.PAYMENT_EXPORT):
                raise CommandError("请用 --user 指定有导出权限的用户。")
        with pghistory.context(user=user.pk, command="payment_run export"):
            result = payment_sheet_export(
                run=run, acting_user=user, target=options["xlsx"], kind="xlsx", bank=options.get("bank")
            )
            if options["pdf"]:
                pdf = payment_sheet_export(run=run, acting_user=user, target=None, kind="pdf")
                with open(options["pdf"], "wb") as handle:
                    handle.write(pdf)
        self.stdout.write(f"run {run.pk} lines {result['lines']} total {result['total']:.2f}")

    def do_reconcile(self, options):
        user = self._user(options["user"], Perm.PAYMENT_EXPORT)
        run = self._run(options["run_id"])
        try:
            with open(options["file"], "rb") as handle:
                # One byte over the limit is enough for the reader to refuse the size; never the whole of a huge file.
                content = handle.read(settings.BANK_RETURN_MAX_UPLOAD_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc.strerror}") from None
        with pghistory.context(user=user.pk, command="payment_run reconcile"):
            try:
                bank_return, check = bank_return_reconcile(
                    run=run,
                    content=content,
                    file_name=options["file"].rsplit("/", 1)[-1],
                    bank_name=options.get("bank"),
                    acting_user=user,
                )
            except ValidationError as exc:
                raise CommandError(_messages(exc)) from None
        for error in check.errors:
            self.stdout.write(str(error))
        if check.error_count:
            more = check.error_count - len(check.errors)
            if more:
                self.stdout.write(f"... {more} more errors")
            raise CommandError(f"回盘有 {check.error_count} 处错误，未登记任何结果（回盘 #{bank_return.pk}）")
        self.stdout.write(f"recorded {bank_return.recorded_count} already {check.rows - bank_return.recorded_count}")
        self.stdout.write(f"lines {check.rows} paid {check.paid_count} failed {check.failed_count}")
