from rest_framework.routers import SimpleRouter

from guanxi.api.improvements import views as v

router = SimpleRouter()
router.register("improvement-proposals", v.ProposalViewSet, basename="improvement-proposal")
router.register("improvement-plans", v.PlanViewSet, basename="improvement-plan")
router.register("improvement-plan-items", v.PlanItemViewSet, basename="improvement-plan-item")
router.register("forwarded-opinions", v.OpinionViewSet, basename="forwarded-opinion")

urlpatterns = router.urls
