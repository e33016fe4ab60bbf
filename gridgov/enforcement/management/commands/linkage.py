import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Agency linkage (执行联动). `poll` takes in the agencies' signed answers; "
        "`answer REF --found JSON` answers an inquiry as the agency would (local stand-in); "
        "`secret AGENCY` prints the secret an agency signs its answers with."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["poll", "answer", "secret"])
        parser.add_argument("arg", nargs="?", help="REF for answer, AGENCY for secret")
        parser.add_argument("--found", default="[]", help='e.g. [{"kind": "deposit", ...}]')

    def handle(self, *args, what, arg, found, **options):
        from gridgov.enforcement import linkage
        from gridgov.enforcement.models import Agency, AssetInquiry

        if what == "poll":
            result = linkage.poll()
            for name in result.accepted:
                self.stdout.write(f"accepted {name}")
            for name, reason in result.rejected:
                self.stderr.write(f"rejected {name}: {reason}")
            self.stdout.write(f"{len(result.accepted)} accepted, {len(result.rejected)} rejected")
            return
        if not arg:
            raise CommandError(f"{what} needs an argument")
        if what == "secret":
            if arg not in Agency.values:
                raise CommandError(f"agency is one of {', '.join(Agency.values)}")
            self.stdout.write(linkage.agency_secret(arg))
            return
        try:
            items = json.loads(found)
        except ValueError as exc:
            raise CommandError(f"--found is not JSON: {exc}") from None
        if not AssetInquiry.objects.filter(ref=arg).exists():
            raise CommandError(f"no inquiry {arg}")
        self.stdout.write(linkage.answer(arg, items))
