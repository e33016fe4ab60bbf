from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Audit trail tools. `gridgov audit verify` checks the whole hash chain."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["verify"])

    def handle(self, *args, what, **options):
        from gridgov.core.audit import verify_chain

        result = verify_chain()
        if not result.ok:
            self.stderr.write(
                f"Audit chain BROKEN at entry #{result.broken_id}: {result.reason} "
                f"({result.checked} entries before it are intact)."
            )
            raise SystemExit(1)
        self.stdout.write(f"Audit chain OK: {result.checked} entries verified.")
