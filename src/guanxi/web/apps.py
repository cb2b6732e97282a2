from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "guanxi.web"
    verbose_name = "Web"
