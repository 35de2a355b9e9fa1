import random
import time

import pghistory
from django.core.management.base import BaseCommand, CommandError

from fedportal.core import demo
from fedportal.core.clock import local_today


class Command(BaseCommand):
    help = "Create a realistic, deterministic demo county and one demo user per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--persons", type=int, default=2000, help="how many persons to register (0: users and divisions only)"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same county")

    def handle(self, *args, persons: int, seed: int, **options):
        if persons < 0:
            raise CommandError("--persons must be 0 or more")
        started = time.monotonic()
        with pghistory.context(command="seed_demo"):
            try:
                context = demo.seed_demo(
                    persons=persons, rng=random.Random(seed), today=local_today(), stdout=self.stdout
                )
            except demo.DemoError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(
            f"demo county ready: {context.summary.get('townships', 0)} townships, {persons} persons"
            f" in {time.monotonic() - started:.1f} s"
        )
        self.stdout.write(
            f"demo users: {', '.join(u for u, _r, _n in demo.DEMO_USERS)}; password: {demo.demo_password()}"
        )
