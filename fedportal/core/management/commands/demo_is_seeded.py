import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Exit 0 when the demo users exist (make run seeds only an empty database), 1 otherwise."

    def handle(self, *args, **options):
        sys.exit(0 if get_user_model().objects.filter(username="admin").exists() else 1)
