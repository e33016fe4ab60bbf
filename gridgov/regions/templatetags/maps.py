"""`{% map_script %}` (in base.html): loads gridgov/map.js with what it needs to know —
where the vendored Leaflet is (it is fetched only on pages that hold a `.map`), the tile
source if the deployment set one (GRIDGOV_MAP_TILES), and the words of its controls in the
page's language."""

import json

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def map_script():
    config = {
        "leaflet": static("vendor/leaflet/leaflet.js"),
        "leafletCss": static("vendor/leaflet/leaflet.css"),
        "tiles": settings.GRIDGOV_MAP_TILES,
        "attribution": settings.GRIDGOV_MAP_ATTRIBUTION,
        "subdomains": settings.GRIDGOV_MAP_SUBDOMAINS,
        "maxZoom": settings.GRIDGOV_MAP_MAX_ZOOM,
        "words": {
            "locate": _("Use my location"),
            "locating": _("Finding your location…"),
            "located": _("Your location (within %(metres)s m)"),
            "noLocation": _("Your location is not available: %(reason)s"),
            "denied": _("the browser was not allowed to share it"),
            "unsupported": _("this browser cannot tell it"),
            "notFound": _("it could not be found just now; try again outdoors"),
            "picked": _("Chosen point: %(lat)s, %(lon)s"),
            "pickHint": _("Tap the map to choose the place."),
            "failed": _("This layer could not be loaded."),
            "unplaced": _("%(count)s without a location, not drawn"),
            "open": _("open"),
            "overdue": _("overdue"),
            "noMatters": _("no open matters"),
            "map": _("Map"),
        },
    }
    return format_html(
        '<script src="{}" defer data-map-config="{}"></script>',
        static("gridgov/map.js"),
        json.dumps(config, ensure_ascii=False),
    )
