from django.urls import URLPattern, URLResolver, path

from guanxi.web.privacy import views as v

urlpatterns: list[URLPattern | URLResolver] = [
    path("contacts/<int:pk>/requests/new/", v.request_create, name="personal-request-create"),
    path("personal-data-requests/", v.request_list, name="personal-request-list"),
    path("personal-data-requests/<int:pk>/", v.request_detail, name="personal-request-detail"),
    path(
        "personal-data-requests/<int:pk>/complete/",
        v.request_complete,
        name="personal-request-complete",
    ),
    path(
        "personal-data-requests/<int:pk>/data.xlsx",
        v.personal_data_export,
        name="personal-request-export",
    ),
    path(
        "personal-data-requests/<int:pk>/print/",
        v.personal_data_print,
        name="personal-request-print",
    ),
]
