from django.urls import URLPattern, URLResolver, path

from guanxi.api.customer_io import views as v

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "customers/import-template/",
        v.ImportTemplateView.as_view(),
        name="customer-import-template",
    ),
    path("customers/export/", v.ExportView.as_view(), name="customer-export"),
    path("customer-imports/", v.ImportUploadView.as_view(), name="customer-import-list"),
    path(
        "customer-imports/<int:pk>/apply/",
        v.ImportApplyView.as_view(),
        name="customer-import-apply",
    ),
]
