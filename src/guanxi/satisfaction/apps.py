from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SatisfactionConfig(AppConfig):
    name = "guanxi.satisfaction"
    label = "satisfaction"
    verbose_name = _("Satisfaction analytics")

    def ready(self) -> None:
        from guanxi.satisfaction.services import connect_signals

        connect_signals()
