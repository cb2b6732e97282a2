from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "guanxi.api"
    verbose_name = "API"
