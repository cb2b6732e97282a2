from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "guanxi.web"
    verbose_name = "Web"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from guanxi.web.session_idle import stamp_at_sign_in

        user_logged_in.connect(stamp_at_sign_in, dispatch_uid="guanxi-session-stamp")
