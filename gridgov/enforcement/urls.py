from django.urls import path

from . import kpi_views, pages

app_name = "enforcement"
urlpatterns = [
    path("", pages.case_list, name="cases"),
    path("finance/", pages.finance_desk, name="finance"),
    path("kpis/", kpi_views.dashboard, name="kpis"),
    path("new/", pages.file_page, name="file"),
    path("cases/<int:pk>/", pages.case_page, name="case"),
    path("cases/<int:pk>/do/<str:name>/", pages.case_action, name="act"),
    path("cases/<int:pk>/codes/<str:code>/sheet.svg", pages.code_sheet, name="code_sheet"),
]
