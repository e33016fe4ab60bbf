"""Open311 GeoReport v2 at /open311/v2/ (http://wiki.open311.org/GeoReport_v2), in JSON and
XML. Services are the categories the public may report; a service request is a matter.
Submitting needs an api_key (gridgov create-open311-client); reading does not, and shows only
what the public itself reported, in categories that are public and not sensitive
(Matter.objects.for_public), with public fields only. Errors use the specification's format:
[{"code": 400, "description": "…"}].
"""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from gridgov.core import parsing, throttle
from gridgov.core.errors import ActionError
from gridgov.core.idempotency import run_once
from gridgov.core.models import ApiClient
from gridgov.core.redact import redact_numbers
from gridgov.matters import actions, public
from gridgov.matters.models import OPEN_STATES, Category, Matter, Source
from gridgov.regions.models import Level, Region

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
DATATYPES = {
    "text": "string",
    "number": "number",
    "date": "datetime",
    "choice": "singlevaluelist",
    "multi": "multivaluelist",
}
MAX_RESULTS = 1000
DEFAULT_DAYS = 90
CHANGESET = "2026-11-28T00:00:00Z"


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


# --- rendering --------------------------------------------------------------------------------


def _xml(root: str, item: str | None, data) -> bytes:
    def fill(parent, value, tag=None):
        if isinstance(value, dict):
            for k, v in value.items():
                fill(ET.SubElement(parent, k) if not isinstance(v, list) else parent, v, k)
        elif isinstance(value, list):
            holder = ET.SubElement(parent, tag) if tag else parent
            child_tag = {
                "endpoints": "endpoint",
                "formats": "format",
                "attributes": "attribute",
                "values": "value",
                "keywords": "keyword",
            }.get(tag, "item")
            for v in value:
                fill(ET.SubElement(holder, child_tag), v)
        elif value is None:
            pass
        elif isinstance(value, bool):
            parent.text = "true" if value else "false"
        else:
            parent.text = str(value)

    top = ET.Element(root)
    if item is None:
        fill(top, data)
    else:
        for entry in data:
            fill(ET.SubElement(top, item), entry)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="utf-8")


def _respond(fmt: str, data, *, root: str, item: str | None, status: int = 200):
    if fmt == "xml":
        body = _xml(root, item, data)
    else:
        body = json.dumps(data, ensure_ascii=False, default=str).encode()
    return HttpResponse(body, status=status, content_type=FORMATS[fmt])


def _error(fmt: str, status: int, description: str):
    return _respond(
        fmt if fmt in FORMATS else "json",
        [{"code": status, "description": description}],
        root="errors",
        item="error",
        status=status,
    )


def _view(fn):
    def wrapper(request, *args, fmt, **kwargs):
        if fmt not in FORMATS:
            return _error("json", 404, _("Unknown format; use .json or .xml."))
        try:
            return fn(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return _error(fmt, exc.status, exc.description)
        except ActionError as exc:
            fields = [
                f"{e.get('field')}: {e.get('message')}" for e in exc.errors if isinstance(e, dict)
            ]
            detail = "; ".join([exc.message, *fields])
            return _error(fmt, exc.status, detail)

    wrapper.__name__ = fn.__name__
    return csrf_exempt(wrapper)


# --- services ----------------------------------------------------------------------------------


def _public(code: str | None = None):
    qs = Category.objects.for_public()
    return qs.filter(code=code).first() if code is not None else qs


def _service(c: Category) -> dict:
    return {
        "service_code": c.code,
        "service_name": c.name,
        "description": c.name_en,
        "metadata": bool(c.fields),
        "type": "realtime",
        "keywords": c.get_group_display(),
        "group": c.group,
    }


@_view
def discovery(request, fmt):
    base = request.build_absolute_uri("/open311/v2/")
    data = {
        "changeset": CHANGESET,
        "contact": getattr(settings, "GRIDGOV_OPEN311_CONTACT", ""),
        "key_service": _("Ask the district's command centre for an api_key."),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return _respond(fmt, data, root="discovery", item=None)


@_view
def services(request, fmt):
    return _respond(fmt, [_service(c) for c in _public()], root="services", item="service")


@_view
def service_definition(request, service_code, fmt):
    c = _public(service_code)
    if c is None:
        raise Open311Error(404, _("Unknown service_code."))
    attributes = [
        {
            "variable": True,
            "code": f["code"],
            "datatype": DATATYPES.get(f.get("type"), "string"),
            "required": bool(f.get("required")),
            "datatype_description": f.get("label_en", ""),
            "order": i + 1,
            "description": f.get("label") or f["code"],
            "values": [{"key": v, "name": v} for v in f.get("choices", [])],
        }
        for i, f in enumerate(c.fields)
    ]
    return _respond(
        fmt,
        {"service_code": c.code, "attributes": attributes},
        root="service_definition",
        item=None,
    )


# --- requests ----------------------------------------------------------------------------------


def _status(m: Matter) -> str:
    return "open" if m.state in OPEN_STATES else "closed"


def _request_out(m: Matter) -> dict:
    """Public fields only: the reporter's own description without phone or ID numbers, a
    note for the reporter or the fixed text of the state (never an internal note, a reason
    or a mediation agreement), the responsible unit's name (no handler), no contact."""
    return {
        "service_request_id": m.code,
        "status": _status(m),
        "status_notes": public.public_note(m, m.noted_events),  # prefetched by _search
        "service_name": m.category.name,
        "service_code": m.category.code,
        "description": redact_numbers(m.description),
        "agency_responsible": m.handling_unit.name if m.handling_unit else None,
        "service_notice": None,
        "requested_datetime": m.created_at.isoformat(),
        "updated_datetime": m.updated_at.isoformat(),
        "expected_datetime": m.deadline.isoformat() if m.deadline else None,
        "address": m.address or m.region.name,
        "address_id": None,
        "zipcode": None,
        "lat": m.lat,
        "long": m.lon,
        "media_url": m.media_url or None,
    }


def _attributes(post) -> dict:
    out: dict = {}
    for key in post:
        if key.startswith("attribute[") and "]" in key:
            code = key[len("attribute[") : key.index("]")]
            values = post.getlist(key)
            out[code] = values if key.endswith("[]") or len(values) > 1 else values[0]
    return out


def _coordinate(post, name):
    read = parsing.latitude if name == "lat" else parsing.longitude
    return read(post.get(name, ""), name, required=False)


def _client(request) -> ApiClient:
    """The client whose api_key the request carries; wrong keys are throttled per client
    address (Locked, a 429, once too many)."""
    from gridgov.accounts.models import APIToken

    throttle.check(request, "open311")
    key = request.POST.get("api_key", "")
    client = ApiClient.objects.filter(key_digest=APIToken.digest_of(key), active=True).first()
    if not key or client is None:
        if key:
            throttle.failed(request, "open311")
        raise Open311Error(403, _("A valid api_key is required."))
    return client


def _place_by_address(address: str) -> Region | None:
    address = address.strip()
    if not address:
        return None
    levels = [Level.BUILDING, Level.COMPOUND, Level.GRID]
    return (
        Region.objects.filter(level__in=levels, address=address).first()
        or Region.objects.filter(level__in=levels, name=address).first()
    )


def _create(request, client: ApiClient):
    post = request.POST
    category = _public(post.get("service_code", ""))
    if category is None:
        raise Open311Error(
            404 if post.get("service_code") else 400,
            _("Unknown service_code.")
            if post.get("service_code")
            else _("service_code is required."),
        )
    lat, lon = _coordinate(post, "lat"), _coordinate(post, "long")
    region = None
    if lat is None or lon is None:
        region = _place_by_address(post.get("address_string", ""))
        if region is None:
            raise Open311Error(400, _("Give lat and long, or an address_string we know."))
    contact = post.get("phone", "") or post.get("email", "")
    m = actions.report_matter(
        actions.MatterInput(
            category=category,
            description=post.get("description", "") or category.name,
            source=Source.OPEN311,
            region=region,
            lat=lat,
            lon=lon,
            address=post.get("address_string", ""),
            attributes=_attributes(post),
            contact=contact,
            media_url=post.get("media_url", ""),
        ),
        actor=f"open311:{client.name}",
    )
    return 201, [
        {
            "service_request_id": m.code,
            "token": m.receipt,
            "service_notice": None,
            "account_id": None,
        }
    ]


@_view
def requests(request, fmt):
    if request.method == "POST":
        client = _client(request)
        try:
            status, data = run_once(
                f"open311:{client.pk}",
                request.headers.get("Idempotency-Key"),
                urlencode(sorted(request.POST.lists()), doseq=True).encode(),
                lambda: _create(request, client),
            )
        except ActionError as exc:
            if exc.status == 409:
                raise Open311Error(409, exc.message) from None
            raise
        return _respond(fmt, data, root="service_requests", item="request", status=status)
    if request.method != "GET":
        raise Open311Error(405, _("Use GET or POST."))
    return _respond(
        fmt,
        [_request_out(m) for m in _search(request.GET)],
        root="service_requests",
        item="request",
    )


def _search(params):
    qs = (
        Matter.objects.for_public()
        .select_related("category", "region", "handling_unit")
        # status notes without a query per request
        .prefetch_related(Prefetch("events", public.public_events(), to_attr="noted_events"))
    )
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        return list(qs.filter(code__in=ids[:MAX_RESULTS]).order_by("-created_at"))
    if params.get("service_code"):
        qs = qs.filter(category__code__in=params["service_code"].split(","))
    now = timezone.now()
    end = _date(params.get("end_date"), "end_date") or now
    start = _date(params.get("start_date"), "start_date") or end - datetime.timedelta(
        days=DEFAULT_DAYS
    )
    if start > end:
        raise Open311Error(400, _("start_date is after end_date."))
    if end - start > datetime.timedelta(days=DEFAULT_DAYS):
        raise Open311Error(400, _("At most %(n)d days at a time.") % {"n": DEFAULT_DAYS})
    qs = qs.filter(created_at__gte=start, created_at__lte=end)
    status = params.get("status", "")
    if status:
        wanted = set(status.split(","))
        if not wanted <= {"open", "closed"}:
            raise Open311Error(400, _("status is open or closed."))
        if wanted == {"open"}:
            qs = qs.filter(state__in=OPEN_STATES)
        elif wanted == {"closed"}:
            qs = qs.exclude(state__in=OPEN_STATES)
    return list(qs.order_by("-created_at")[:MAX_RESULTS])


def _date(raw, name):
    return parsing.moment(raw, name, required=False)


@_view
def request_detail(request, request_id, fmt):
    found = _search({"service_request_id": request_id})
    if not found:
        raise Open311Error(404, _("No such service request."))
    return _respond(fmt, [_request_out(found[0])], root="service_requests", item="request")


@_view
def token(request, token, fmt):
    m = Matter.objects.for_public().filter(receipt=token.upper()).first()
    if m is None:
        raise Open311Error(404, _("No such token."))
    return _respond(
        fmt,
        [{"service_request_id": m.code, "token": m.receipt}],
        root="service_requests",
        item="request",
    )
