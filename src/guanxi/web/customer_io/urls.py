from django.urls import URLPattern, URLResolver, path

from guanxi.web.customer_io import views as v

urlpatterns: list[URLPattern | URLResolver] = [
    path("import/", v.import_upload, name="customer-import"),
    path("import/template.xlsx", v.import_template, name="customer-import-template"),
    path("import/<int:pk>/", v.import_report, name="customer-import-report"),
    path("export.xlsx", v.export, name="customer-export"),
]
