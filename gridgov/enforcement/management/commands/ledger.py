from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Case-funds ledger tools. `gridgov ledger check` reconciles the books."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["check"])

    def handle(self, *args, what, **options):
        from gridgov.enforcement.ledger import check

        r = check()
        self.stdout.write(
            f"custody {r.custody} = cases {r.cases} + suspense {r.suspense} + "
            f"in transit {r.in_transit} + fees {r.fees} (fen); {r.entries} entries"
        )
        if not r.ok:
            for p in r.problems:
                self.stderr.write(f"  {p}")
            self.stderr.write("Ledger check FAILED.")
            raise SystemExit(1)
        self.stdout.write("Ledger check OK.")
