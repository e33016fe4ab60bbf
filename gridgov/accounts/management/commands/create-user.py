import getpass

from django.core.management.base import BaseCommand, CommandError

from gridgov.core.errors import ActionError


class Command(BaseCommand):
    help = "Creates a user (asks for the password unless --password is given)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="display name")
        parser.add_argument("--password")
        parser.add_argument("--superuser", action="store_true", help="may open /admin/")

    def handle(self, *args, username, name, password, superuser, **options):
        from gridgov.accounts.actions import create_user

        if password is None:
            password = getpass.getpass("Password: ")
        try:
            user = create_user(username, password, display_name=name, actor="cli:create-user")
        except ActionError as exc:
            raise CommandError(exc.message) from None
        if superuser:
            from gridgov.accounts.actions import grant_admin_site

            grant_admin_site(user, actor="cli:create-user")
        self.stdout.write(f"Created user {user.username}.")
