from django.urls import path

from gridgov.core.views import role_required

from . import geo, views

app_name = "regions"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("coverage/", views.coverage, name="coverage"),
    path("party/", views.party, name="party"),
    path("map/", views.region_map, name="map"),
    path("geo/grids.geojson", role_required(geo.grids_view), name="geo_grids"),
    path("geo/buildings.geojson", role_required(geo.buildings_view), name="geo_buildings"),
    path("<str:code>/", views.region_detail, name="detail"),
]
