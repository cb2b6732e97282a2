"""API routes of the activity forms."""

from rest_framework.routers import SimpleRouter

from guanxi.api.feedback import views as v

router = SimpleRouter()
router.register("visit-records", v.VisitRecordViewSet, basename="visit-record")
router.register("care-records", v.CareRecordViewSet, basename="care-record")
router.register("seminar-feedback", v.SeminarFeedbackViewSet, basename="seminar-feedback")

urlpatterns = router.urls
