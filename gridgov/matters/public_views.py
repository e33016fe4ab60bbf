"""The pages behind a QR-code sign (no account needed) and the staff pages for signs."""

import re

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts import roles
from gridgov.core import parsing, ratelimit
from gridgov.core.errors import ActionError, NotFound
from gridgov.core.scoping import get_visible
from gridgov.core.views import chosen, role_required
from gridgov.people.models import Unit, UnitKind
from gridgov.regions.models import Level, Region

from . import public
from .drafts import Draft
from .forms import CategoryChoice
from .models import Category, Matter, MatterPhoto, Sign


class PublicReportForm(forms.Form):
    category = CategoryChoice(
        Category.objects.none(),
        label=gettext_lazy("category"),
        to_field_name="code",
        # nothing chosen for the reporter: a description alone must not become "dumping"
        empty_label=gettext_lazy("choose…"),
        error_messages={"required": gettext_lazy("Choose what kind of problem it is.")},
    )
    description = forms.CharField(
        label=gettext_lazy("description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    contact = forms.CharField(
        label=gettext_lazy("phone or e-mail (optional, kept private)"),
        max_length=64,
        required=False,
    )

    def __init__(self, *args, sign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = sign.reportable_categories()


DRAFT_PHOTOS_PER_HOUR = 30  # photos one address may leave in drafts (they take disk)


def _sign_draft(request, sign) -> Draft:
    return Draft(request, key=f"matters.sign.{sign.code}")


def _typed_extra(sign, data) -> list:
    """The extra fields of each of the sign's categories with what was typed in them (a
    form sent back for mending shows them filled)."""
    out = []
    for c in sign.reportable_categories():
        if c.fields:
            rows = [(f, data.getlist(f"attr_{f['code']}") if data else []) for f in c.fields]
            out.append((c, rows))
    return out


def sign_page(request, code):
    """The public report page behind a sign: one form; what was typed and the photos
    added are kept (in the visitor's session) whatever goes wrong."""
    sign = Sign.objects.filter(code=code, active=True).select_related("region").first()
    if sign is None:
        raise Http404
    draft = _sign_draft(request, sign)
    form = PublicReportForm(request.POST or None, sign=sign)
    status, error, field_errors = 200, None, []
    if request.method == "POST":
        photo_errors = []
        files = [f for f in request.FILES.getlist("photos") if f]
        try:
            for _f in files:
                ratelimit.hit(
                    "public-draft-photo",
                    ratelimit.address_key(ratelimit.client_address(request)),
                    limit=DRAFT_PHOTOS_PER_HOUR,
                )
            photo_errors = draft.add_photos(files)
        except ActionError as exc:
            photo_errors = [exc.message]
        if request.POST.get("remove_photo"):
            draft.remove_photo(request.POST["remove_photo"])
            form = PublicReportForm(initial=request.POST.dict(), sign=sign)
        elif form.is_valid() and not photo_errors:
            d = form.cleaned_data
            fields = d["category"].fields
            attributes = {
                f["code"]: request.POST.getlist(f"attr_{f['code']}")
                if f.get("type") == "multi"
                else request.POST.get(f"attr_{f['code']}", "")
                for f in fields
            }
            try:
                matter = public.submit(
                    sign,
                    d["category"],
                    d["description"],
                    draft.photo_files(),
                    d["contact"],
                    ratelimit.client_address(request),
                    attributes,
                )
            except ActionError as exc:
                labels = {f["code"]: f.get("label") or f["code"] for f in fields}
                error, status = exc.message, exc.status
                field_errors = [
                    (labels.get(e.get("field"), e.get("field")), e["message"], e.get("field"))
                    for e in exc.errors
                    if isinstance(e, dict)
                ]
            else:
                draft.clear()
                return redirect("public_status", receipt=matter.receipt)
        else:
            for message in photo_errors:
                form.add_error(None, message)
            status = 400
    return render(
        request,
        "matters/public_report.html",
        {
            "sign": sign,
            "form": form,
            "error": error,
            "field_errors": field_errors,
            "extra": _typed_extra(sign, request.POST if request.method == "POST" else None),
            "photos": draft.photos,
        },
        status=status,
    )


def draft_photo(request, code, token):
    """A photo added on a sign's page, shown back to the visitor who added it only."""
    sign = Sign.objects.filter(code=code, active=True).first()
    if sign is None:
        raise Http404
    return _sign_draft(request, sign).photo_response(token)


def status_page(request, receipt):
    matter = Matter.objects.filter(receipt=receipt.upper()).select_related("category").first()
    if matter is None:
        raise Http404
    return render(request, "matters/public_status.html", {"view": public.public_view(matter)})


def status_lookup(request):
    receipt = request.GET.get("receipt", "").strip().upper()
    if receipt:
        if Matter.objects.filter(receipt=receipt).exists():
            return redirect("public_status", receipt=receipt)
        messages.error(request, _("No report has this receipt code."))
    return render(request, "matters/public_lookup.html", {"receipt": receipt})


@role_required
def photo(request, code, pk):
    matter = get_visible(Matter.objects, request.user, code=code)
    p = MatterPhoto.objects.filter(matter=matter, pk=pk).first()
    if p is None:
        raise NotFound(_("Not found."))
    path = settings.MEDIA_ROOT / p.path
    if not path.is_file():  # lost from disk (e.g. not restored from a backup)
        raise NotFound(_("Not found."))
    return FileResponse(open(path, "rb"), content_type=p.content_type)


def _public_url(request, sign) -> str:
    base = getattr(settings, "GRIDGOV_PUBLIC_URL", "") or request.build_absolute_uri("/")
    return base.rstrip("/") + f"/s/{sign.code}/"


@role_required
def signs(request):
    if not roles.read_paths(request.user, "matter"):
        raise PermissionDenied(_("Your role does not handle matters."))
    can_add = bool(roles.write_paths(request.user, "sign"))
    error = None
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied(_("Your role may not put up signs."))
        p = request.POST
        try:
            region = get_visible(Region.objects, request.user, code=p.get("grid", ""))
            unit = chosen(Unit.objects.all(), p.get("unit"), _("No such unit."))
            lat, lon = parsing.latitude(p.get("lat")), parsing.longitude(p.get("lon"))
            cats = Category.objects.filter(code__in=p.getlist("categories"))
            sign = public.create_sign(
                p.get("code", ""),
                p.get("name", ""),
                region,
                lat,
                lon,
                cats,
                unit,
                actor=request.user,
            )
        except ActionError as exc:
            error = exc.message
        else:
            messages.success(request, _("Sign %(code)s put up.") % {"code": sign.code})
            return redirect("matters:signs")
    return render(
        request,
        "matters/signs.html",
        {
            "signs": Sign.objects.visible_to(request.user)
            .select_related("region", "receiving_unit")
            .prefetch_related("categories"),
            "can_add": can_add,
            "error": error,
            "grids": Region.objects.visible_to(request.user).filter(level=Level.GRID),
            "units": Unit.objects.filter(kind__in=[UnitKind.AGENCY, UnitKind.PUBLIC_INSTITUTION]),
            "categories": Category.objects.for_public(),
        },
        status=400 if error else 200,
    )


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters, broken after "、" or "：" where one falls."""
    rows, row = [], ""
    for part in re.split(r"(?<=[、：])", text):
        while len(part) > width:  # a part too long for a line of its own
            rows, row, part = rows + ([row] if row else []) + [part[:width]], "", part[width:]
        if len(row) + len(part) > width:
            rows.append(row)
            row = ""
        row += part
    return rows + ([row] if row else [])


@role_required
def sign_sheet(request, code):
    """A printable A4 sheet (SVG): the sign's name, what may be reported, who receives it,
    and the QR code of its report page."""
    sign = get_visible(Sign.objects.select_related("receiving_unit"), request.user, code=code)
    url = _public_url(request, sign)
    qr = segno.make(url, error="m")
    qr_svg = qr.svg_inline(scale=10, border=2, dark="#000")
    size = qr.symbol_size(scale=10, border=2)[0]
    x = (595 - 320) / 2
    # What the public reads on the river bank is Chinese, whatever the language of the
    # person printing it; English comes second, small, for visitors.
    with translation.override("zh-hans"):
        title = _("Scan to report")
        may_report = _("You may report: %(categories)s") % {
            "categories": "、".join(c.name for c in sign.reportable_categories())
        }
        received_by = _("Received by: %(unit)s") % {"unit": sign.receiving_unit.name}
    with translation.override("en"):
        title_en = _("Scan to report")
    lines = [
        '<text x="297.5" y="100" font-size="44" text-anchor="middle" font-weight="bold">'
        f"{escape(title)}</text>",
        '<text x="297.5" y="128" font-size="16" text-anchor="middle" fill="#555">'
        f"{escape(title_en)}</text>",
        f'<text x="297.5" y="170" font-size="26" text-anchor="middle">{escape(sign.name)}</text>',
        f'<g transform="translate({x} 200) scale({320 / size})">{qr_svg}</g>',
    ]
    y = 570
    for row in _wrap(may_report, 24):  # the sheet holds about 25 characters a line
        lines.append(
            f'<text x="297.5" y="{y}" font-size="20" text-anchor="middle">{escape(row)}</text>'
        )
        y += 30
    lines += [
        f'<text x="297.5" y="{y + 10}" font-size="20" text-anchor="middle">'
        f"{escape(received_by)}</text>",
        f'<text x="297.5" y="{y + 50}" font-size="14" text-anchor="middle" fill="#555">'
        f"{escape(url)}</text>",
    ]
    svg = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" '
        'viewBox="0 0 595 842" font-family="Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif">'
        '<rect width="595" height="842" fill="#fff"/>'
        '<rect x="20" y="20" width="555" height="802" fill="none" stroke="#b4232a" '
        'stroke-width="6"/>' + "".join(lines) + "</svg>"
    )
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
