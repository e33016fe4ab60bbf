import time

from django.core.management.base import BaseCommand
from django.utils import translation


class Command(BaseCommand):
    help = "Loads the demo district (Bayi, Linzhi) once; does nothing when it is loaded."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=30_000)
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, residents, seed, **options):
        from gridgov.demo import build

        if build.is_loaded():
            self.stdout.write("Demo district already loaded; reusing it.")
            return
        self.stdout.write(f"Loading the demo district with {residents} residents …")
        started = time.monotonic()
        with translation.override("zh-hans"):  # display names of the demo logins
            summary = build.build(residents=residents, seed=seed, log=self.stdout.write)
        self.stdout.write(f"Done in {time.monotonic() - started:.0f} s: {summary}")
