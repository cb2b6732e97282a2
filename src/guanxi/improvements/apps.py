from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementsConfig(AppConfig):
    name = "guanxi.improvements"
    label = "improvements"
    verbose_name = _("Improvement proposals")

    def ready(self) -> None:
        """A proposal about a customer joins the customer's timeline (guanxi.timeline)."""
        from guanxi.improvements import timeline  # noqa: F401
