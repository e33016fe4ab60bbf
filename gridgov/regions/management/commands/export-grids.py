import json
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Writes every grid as a GeoJSON FeatureCollection (to FILE, or standard output)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-")

    def handle(self, *args, file, **options):
        from gridgov.regions.actions import export_grids

        text = json.dumps(export_grids(), ensure_ascii=False, indent=1)
        if file == "-":
            sys.stdout.write(text + "\n")
        else:
            with open(file, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
            self.stderr.write(f"Wrote {file}.")
