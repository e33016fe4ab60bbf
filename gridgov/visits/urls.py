from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("visits/", views.visit_list, name="list"),
    path("visits/due/", views.due_list, name="due"),
    path("visits/new/", views.new_visit, name="new"),
    path("visits/<int:pk>/", views.visit_detail, name="detail"),
    path("visits/<int:pk>/needs/<int:need_id>/report/", views.report_need, name="report_need"),
    path("patrols/", views.patrol_list, name="patrols"),
    path("patrols/start/", views.start_patrol, name="start_patrol"),
    path("patrols/geojson/", views.patrols_geojson, name="patrols_geojson"),
    path("patrols/<int:pk>/", views.patrol_detail, name="patrol"),
    path("patrols/<int:pk>/end/", views.end_patrol, name="end_patrol"),
    path("patrols/<int:pk>/matters/", views.link_matter, name="link_matter"),
]
