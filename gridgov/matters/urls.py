from django.urls import path

from . import views

app_name = "matters"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("new/", views.report, name="report"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/do/<str:name>/", views.act, name="act"),
]
