import urllib.error
import urllib.request

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Sends a signed payment notice, like a provider would, to a running gridgov."

    def add_arguments(self, parser):
        parser.add_argument("provider")
        parser.add_argument("code")
        parser.add_argument("amount_fen", type=int)
        parser.add_argument("--txn", help="the provider's transaction id (default: random)")
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args, provider, code, amount_fen, txn, url, **options):
        from gridgov.core import crypto
        from gridgov.enforcement.models import PaymentProvider
        from gridgov.enforcement.simulator import notice

        p = PaymentProvider.objects.filter(name=provider).first()
        if p is None:
            raise CommandError(f"no payment provider {provider!r}")
        headers, body = notice(crypto.decrypt(p.secret_enc), code, amount_fen, txn_id=txn)
        request = urllib.request.Request(
            f"{url.rstrip('/')}/enforcement/notify/{provider}/",
            data=body,
            headers={**headers, "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                self.stdout.write(f"{response.status} {response.read().decode()}")
        except urllib.error.HTTPError as exc:
            raise CommandError(f"{exc.code} {exc.read().decode()}") from None
        except urllib.error.URLError as exc:
            raise CommandError(f"cannot reach {url}: {exc.reason}") from None
