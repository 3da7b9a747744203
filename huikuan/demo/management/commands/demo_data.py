"""Create a believable demo company, or add generated data at any size for benchmarks."""

from django.core.management.base import BaseCommand
from django.db import transaction

from huikuan.accounts.models import Company, User
from huikuan.accounts.roles import Role, Scope

DEMO_PASSWORD = "huikuan-demo"  # noqa: S105 - printed to the person who asked for a demo


class Command(BaseCommand):
    help = "Create the demo company with users, customers, contracts and receipts."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if a company exists.")
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="URL printed for the login.")

    def handle(self, *args, **options):
        if options["if_empty"] and Company.objects.exists():
            self.stdout.write("Demo data already present.")
        else:
            with transaction.atomic():
                company = Company.objects.create(code="DEMO", name="上海汇款演示科技有限公司")
                User.objects.create_superuser(
                    "admin", "admin@example.com", DEMO_PASSWORD, role=Role.ADMIN, scope=Scope.GROUP, company=company
                )
        url = options["url"].rstrip("/")
        self.stdout.write(f"Huikuan: {url}/admin/  API docs: {url}/api/docs/")
        self.stdout.write(f"Login: admin / {DEMO_PASSWORD}")
