from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimelineConfig(AppConfig):
    name = "guanxi.timeline"
    verbose_name = _("Customer timeline")

    def ready(self) -> None:
        """The sources of the apps built before the timeline existed (see sources.py)."""
        from guanxi.timeline import sources  # noqa: F401
