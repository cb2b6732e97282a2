from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactReportsConfig(AppConfig):
    name = "guanxi.contactreports"
    verbose_name = _("Contact reports")

    def ready(self) -> None:
        """Contact reports join the customer's timeline (guanxi.timeline)."""
        from guanxi.contactreports import timeline  # noqa: F401
