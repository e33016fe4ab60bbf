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
        from gridgov.enforcement.models import Court, PaymentProvider
        from gridgov.enforcement.payments import create_provider
        from gridgov.enforcement.unclaimed import attribute_provider

        if PaymentProvider.objects.filter(name=name).exists():
            raise CommandError(f"provider {name!r} exists")
        owner = None
        if court:
            owner = Court.objects.filter(code=court).first()
            if owner is None:
                raise CommandError(f"no court with the code {court!r}")
        provider, secret = create_provider(name)
        if owner is not None:
            attribute_provider(provider, owner, actor="cli:create-payment-provider")
        self.stdout.write(secret)
