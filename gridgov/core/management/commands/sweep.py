from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Periodic housekeeping of every app: escalates overdue matters and notifies, "
        "forgets old rate-limit events, … Idempotent: run it every minute from cron or a "
        "systemd timer."
    )

    def handle(self, *args, **options):
        from gridgov.core import sweep

        for line in sweep.run():
            self.stdout.write(line)
