from django.core.management.base import BaseCommand, CommandError

from gridgov.accounts.roles import Role
from gridgov.core.errors import ActionError


class Command(BaseCommand):
    help = "Assigns ROLE at the region with code REGION to USERNAME. Roles: " + ", ".join(
        Role.values
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("region", help="region code, e.g. 540402001001001")
        parser.add_argument("--unit", type=int, help="unit id (department handlers)")

    def handle(self, *args, username, role, region, unit, **options):
        from gridgov.accounts.actions import assign_role
        from gridgov.accounts.models import User
        from gridgov.people.models import Unit
        from gridgov.regions.models import Region

        user = User.objects.filter(username=username).first()
        node = Region.objects.filter(code=region).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        if node is None:
            raise CommandError(f"no region with code {region!r}")
        unit_obj = Unit.objects.filter(pk=unit).first() if unit else None
        if unit and unit_obj is None:
            raise CommandError(f"no unit {unit}")
        try:
            assign_role(user, role, node, unit=unit_obj, actor="cli:assign-role")
        except ActionError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"{username} is now {Role(role).label} at {node.name} ({node.code}).")
