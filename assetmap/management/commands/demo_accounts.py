"""Print the demo logins present in this database."""

from django.core.management.base import BaseCommand

from assetmap.demo import SITE_URL
from assetmap.demo.accounts import accounts_table, existing_demo_accounts


class Command(BaseCommand):
    help = "Print the demo accounts (username, role, password) and where to sign in."

    def add_arguments(self, parser):
        parser.add_argument("--site-url", default=SITE_URL, help="Where the site is served.")

    def handle(self, *args, site_url: str, **options):
        self.stdout.write(accounts_table(existing_demo_accounts(), site_url=site_url))
