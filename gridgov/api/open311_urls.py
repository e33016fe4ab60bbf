from django.urls import path

from . import open311 as v

FMT = "<str:fmt>"
urlpatterns = [
    path(f"discovery.{FMT}", v.discovery),
    path(f"services.{FMT}", v.services),
    path(f"services/<str:service_code>.{FMT}", v.service_definition),
    path(f"requests.{FMT}", v.requests),
    path(f"requests/<str:request_id>.{FMT}", v.request_detail),
    path(f"tokens/<str:token>.{FMT}", v.token),
]
