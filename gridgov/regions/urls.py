from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("coverage/", views.coverage, name="coverage"),
    path("party/", views.party, name="party"),
    path("<str:code>/", views.region_detail, name="detail"),
]
