import random
import time

import pghistory
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.models import Person
from fedportal.core import demo


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
        rng = random.Random(seed)
        today = timezone.localdate()
        with pghistory.context(command="seed_demo"):
            townships = demo.seed_divisions()
            users = demo.seed_users(townships[0])
            if persons:
                existing = Person.objects.count()
                if existing:
                    raise CommandError(f"the database already has {existing} persons; seed an empty database")
                demo.seed_persons(count=persons, rng=rng, today=today, acting_user=users[1], stdout=self.stdout)
                apps = demo.seed_app_demo_data(rng=rng, today=today, stdout=self.stdout)
                if apps:
                    self.stdout.write(f"  demo data added by: {', '.join(apps)}")
        self.stdout.write(
            f"demo county ready: {len(townships)} townships, {persons} persons in {time.monotonic() - started:.1f} s"
        )
        self.stdout.write(
            f"demo users: {', '.join(u for u, _r, _n in demo.DEMO_USERS)}; password: {demo.demo_password()}"
        )
