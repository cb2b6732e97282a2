from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from guanxi.api.history.views import ChangeViewSet

router = SimpleRouter()
router.register("history", ChangeViewSet, basename="history")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
