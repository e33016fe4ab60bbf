from django.urls import path

from gridgov.core.views import role_required

from . import catalogue_views, geo, kpi_views, meeting_views, public_views, report_views, views

app_name = "matters"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("new/", report_views.place, name="report"),
    path("new/locate/", report_views.locate, name="report_locate"),
    path("new/category/", report_views.category, name="report_category"),
    path("new/details/", report_views.details, name="report_details"),
    path("new/check/", report_views.check, name="report_check"),
    path("new/photos/<slug:token>/", report_views.photo, name="report_photo"),
    path("new/start-again/", report_views.discard, name="report_discard"),
    path("new/done/<str:code>/", report_views.done, name="report_done"),
    path("kpis/", kpi_views.kpi_page, name="kpis"),
    path("categories/", catalogue_views.categories, name="categories"),
    path("calendar/", catalogue_views.calendar_page, name="calendar"),
    path("calendar/<str:day>/remove/", catalogue_views.calendar_remove, name="calendar_remove"),
    path("signs/", public_views.signs, name="signs"),
    path("signs/<slug:code>/sheet.svg", public_views.sign_sheet, name="sign_sheet"),
    path("meetings/", meeting_views.meetings, name="meetings"),
    path("meetings/<int:pk>/", meeting_views.meeting, name="meeting"),
    path("meetings/<int:pk>/agenda.xlsx", meeting_views.agenda_xlsx, name="agenda_xlsx"),
    path("meetings/<int:pk>/attendance/", meeting_views.attendance, name="attendance"),
    path("meetings/<int:pk>/items/<int:item_id>/", meeting_views.resolve, name="resolve"),
    path("geo/matters.geojson", role_required(geo.matters_view), name="geo_matters"),
    path("geo/signs.geojson", role_required(geo.signs_view), name="geo_signs"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/do/<str:name>/", views.act, name="act"),
    path("<str:code>/merge-targets/", views.merge_targets, name="merge_targets"),
    path("<str:code>/photos/<int:pk>/", public_views.photo, name="photo"),
    path("<str:code>/parties/", views.add_party, name="add_party"),
    path("<str:code>/mediation/", views.record_mediation, name="mediation"),
]
