from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class PolicyConfig(AppConfig):
    name = "guanxi.policy"
    verbose_name = "Policy"

    def ready(self) -> None:
        # A bad policy file must stop start-up with the problems it has, line by line.
        from guanxi.policy.loader import PolicyError, current

        try:
            current()
        except PolicyError as error:
            raise ImproperlyConfigured(str(error)) from error
