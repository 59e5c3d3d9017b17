from django.core.management.base import BaseCommand

from portal.management.commands.seed_demo import DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo site's address and the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="The site's address.")

    def handle(self, *args, url, **options):
        url = url.rstrip("/")
        self.stdout.write(f"Site:  {url}/")
        self.stdout.write(f"Admin: {url}/admin/")
        for username, password, group, *_ in DEMO_USERS:
            self.stdout.write(f"  {group:<10} login: {username:<10} password: {password}")
