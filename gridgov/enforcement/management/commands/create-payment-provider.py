from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Registers a payment provider and prints its signing secret, once. With --court, the "
        "provider pays into that court's account: its finance sees the money that arrives "
        "with an unknown code (without: city-level finance does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--court", default="", help="the court's code, e.g. lz-by")

    def handle(self, *args, name, court, **options):
        from gridgov.core.errors import ActionError
        from gridgov.enforcement.models import PaymentProvider
        from gridgov.enforcement.payments import create_provider
        from gridgov.enforcement.unclaimed import court_by_code

        if PaymentProvider.objects.filter(name=name).exists():
            raise CommandError(f"provider {name!r} exists")
        try:
            _provider, secret = create_provider(name, court=court_by_code(court))
        except ActionError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(secret)
