from django.urls import URLPattern, URLResolver, path

from guanxi.web.market import views as v

urlpatterns: list[URLPattern | URLResolver] = [
    path("market-reports/", v.report_list, name="market-report-list"),
    path("market-reports/new/", v.report_create, name="market-report-create"),
    path("market-reports/<int:pk>/", v.report_detail, name="market-report-detail"),
    path("market-reports/<int:pk>/edit/", v.report_edit, name="market-report-edit"),
    path("customers/<int:pk>/information/", v.information_page, name="customer-information"),
    path(
        "customers/<int:pk>/information/<str:topic>/",
        v.information_edit,
        name="customer-information-edit",
    ),
]
