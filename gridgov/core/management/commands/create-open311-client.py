from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Registers an Open311 client application and prints its api_key, once."

    def add_arguments(self, parser):
        parser.add_argument("name")

    def handle(self, *args, name, **options):
        from gridgov.core.clients import create_api_client
        from gridgov.core.errors import ActionError

        try:
            _client, key = create_api_client(name, actor="cli:create-open311-client")
        except ActionError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(key)
