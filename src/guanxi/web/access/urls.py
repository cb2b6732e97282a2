from django.urls import URLPattern, URLResolver, path

from guanxi.web.access import views as v

urlpatterns: list[URLPattern | URLResolver] = [
    path("", v.access_log_page, name="access-log"),
    path("export.xlsx", v.access_log_export, name="access-log-export"),
]
