from rest_framework.routers import SimpleRouter

from guanxi.api.demands import views as v

router = SimpleRouter()
router.register("demands", v.DemandViewSet, basename="demand")
router.register("complaints", v.ComplaintViewSet, basename="complaint")
router.register("monthly-reports", v.MonthlyReportViewSet, basename="monthly-report")

urlpatterns = router.urls
