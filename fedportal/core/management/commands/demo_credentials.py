from django.core.management.base import BaseCommand

from fedportal.core import demo


class Command(BaseCommand):
    help = "Print the demo logins and their password (for the `make run` banner)."

    def handle(self, *args, **options):
        self.stdout.write(f"demo logins: {' '.join(username for username, _role, _name in demo.DEMO_USERS)}")
        self.stdout.write(f"password:    {demo.demo_password()}")
