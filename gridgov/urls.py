from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gridgov.api.urls import api
from gridgov.core import search as core_search
from gridgov.core import views as core_views
from gridgov.enforcement import public_views as enforcement_public
from gridgov.enforcement import views as enforcement_views
from gridgov.matters import public_views
from gridgov.notifications import views as notification_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("favicon.ico", core_views.favicon),  # browsers ask for it whatever the page says
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", core_views.audit_list, name="audit"),
    path("search/", core_search.search_page, name="search"),
    path("healthz", core_views.healthz, name="healthz"),
    path("inbox/", notification_views.inbox, name="inbox"),
    path("inbox/read/", notification_views.read_all, name="inbox_read"),
    path("inbox/<int:pk>/", notification_views.open_notice, name="inbox_open"),
    path("regions/", include("gridgov.regions.urls")),
    path("people/", include("gridgov.people.urls")),
    path("matters/", include("gridgov.matters.urls")),
    path("api/", api.urls),
    path("open311/v2/", include("gridgov.api.open311_urls")),
    path("s/<slug:code>/", public_views.sign_page, name="public_sign"),
    path("s/<slug:code>/photos/<slug:token>/", public_views.draft_photo, name="public_photo"),
    path("s/r/<str:receipt>/", public_views.status_page, name="public_status"),
    path("s/", public_views.status_lookup, name="public_lookup"),
    path("enforcement/", include("gridgov.enforcement.urls")),
    path("", include("gridgov.visits.urls")),
    path("typical-cases/", enforcement_public.typical_list, name="typical_list"),
    path("typical-cases/<int:pk>/", enforcement_public.typical_case, name="typical_case"),
    path(
        "enforcement/notify/<slug:provider>/",
        enforcement_views.payment_notice,
        name="payment_notice",
    ),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
