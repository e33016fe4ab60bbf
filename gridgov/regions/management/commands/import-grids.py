import json

from django.core.management.base import BaseCommand, CommandError

from gridgov.core.errors import ActionError


class Command(BaseCommand):
    help = (
        "Imports grids from a GeoJSON FeatureCollection (properties: code, name, parent_code), "
        "all or nothing. Existing grids with the same code are updated."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--tolerance", type=float, default=None, help="overlap allowed between grids, in m²"
        )

    def handle(self, *args, file, tolerance, **options):
        from gridgov.regions.actions import import_grids

        try:
            with open(file, encoding="utf-8") as fh:
                data = json.load(fh)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file} is not valid JSON: {exc}") from None
        try:
            result = import_grids(data, actor="cli:import-grids", tolerance_m2=tolerance)
        except ActionError as exc:
            for problem in exc.errors:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"{exc.message} ({len(exc.errors)} problems)") from None
        self.stdout.write(
            f"Imported {len(result.created)} new grids, updated {len(result.updated)}, "
            f"{len(result.unchanged)} unchanged."
        )
