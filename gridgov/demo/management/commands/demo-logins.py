from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Prints the demo logins, one per role."

    def handle(self, *args, **options):
        from gridgov.demo.build import DEMO_LOGINS, DEMO_PASSWORD

        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for username, role, where in DEMO_LOGINS:
            self.stdout.write(f"  {username:<10} {role.label} ({where})")
        self.stdout.write("Open http://127.0.0.1:8000/ and log in.\n")
