from rest_framework.routers import SimpleRouter

from guanxi.api.demands import views as v

router = SimpleRouter()
router.register("demands", v.DemandViewSet, basename="demand")
router.register("complaints", v.ComplaintViewSet, basename="complaint")
router.register("monthly-reports", v.MonthlyReportViewSet, basename="monthly-report")
router.register("monthly-submissions", v.MonthlySubmissionViewSet, basename="monthly-submission")
router.register("strategic-followers", v.StrategicFollowerViewSet, basename="strategic-follower")
router.register("unit-contacts", v.UnitContactViewSet, basename="unit-contact")

urlpatterns = router.urls
