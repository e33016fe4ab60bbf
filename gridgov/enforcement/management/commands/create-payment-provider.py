from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Registers a payment provider and prints its signing secret, once."

    def add_arguments(self, parser):
        parser.add_argument("name")

    def handle(self, *args, name, **options):
        from gridgov.enforcement.models import PaymentProvider
        from gridgov.enforcement.payments import create_provider

        if PaymentProvider.objects.filter(name=name).exists():
            raise CommandError(f"provider {name!r} exists")
        _provider, secret = create_provider(name)
        self.stdout.write(secret)
