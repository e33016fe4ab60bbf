from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Says which court's account a payment provider pays into (no court: the city's). "
        "Money that arrives with an unknown code from then on waits for that court's finance."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("court", nargs="?", default="", help="the court's code; none: city")

    def handle(self, *args, name, court, **options):
        from gridgov.core.errors import ActionError
        from gridgov.enforcement.models import PaymentProvider
        from gridgov.enforcement.unclaimed import attribute_provider, court_by_code

        provider = PaymentProvider.objects.filter(name=name).first()
        if provider is None:
            raise CommandError(f"no provider {name!r}")
        try:
            owner = court_by_code(court)
            attribute_provider(provider, owner, actor="cli:attribute-payment-provider")
        except ActionError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"{name} → {owner.name if owner else 'city'}")
