from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Creates an API token for a user and prints it once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, username, name, **options):
        from gridgov.accounts.actions import create_api_token
        from gridgov.accounts.models import User

        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        _token, raw = create_api_token(user, name, actor="cli:create-token")
        self.stdout.write(raw)
