from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    name = "guanxi.demands"
    label = "demands"
    verbose_name = _("Demands and complaints")

    def ready(self) -> None:
        """Its records join the customer's timeline (guanxi.timeline)."""
        from guanxi.demands import timeline  # noqa: F401
