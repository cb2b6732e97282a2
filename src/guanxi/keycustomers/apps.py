from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeyCustomersConfig(AppConfig):
    name = "guanxi.keycustomers"
    label = "keycustomers"
    verbose_name = _("Key customers")
