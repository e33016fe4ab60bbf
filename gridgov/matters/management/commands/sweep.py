from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Escalates overdue matters up the ladder and notifies. Idempotent: safe to run every "
        "minute from cron or a systemd timer."
    )

    def handle(self, *args, **options):
        from gridgov.matters.escalation import sweep

        result = sweep()
        self.stdout.write(f"checked {result.checked} overdue matters, escalated {result.escalated}")
