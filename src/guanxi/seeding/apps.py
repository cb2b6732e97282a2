from django.apps import AppConfig


class SeedingConfig(AppConfig):
    name = "guanxi.seeding"
    verbose_name = "Seeding"
