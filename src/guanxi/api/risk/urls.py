from rest_framework.routers import SimpleRouter

from guanxi.api.risk import views as v

router = SimpleRouter()
router.register("risk-signals", v.RiskSignalViewSet, basename="risk-signal")

urlpatterns = router.urls
