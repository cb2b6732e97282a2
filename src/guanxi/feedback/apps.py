from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "guanxi.feedback"
    label = "feedback"
    verbose_name = _("Activity forms")

    def ready(self) -> None:
        """Its records join the customer's timeline (guanxi.timeline)."""
        from guanxi.feedback import timeline  # noqa: F401
