"""API routes for plans, plan items, activities, approvals and delegations."""

from rest_framework.routers import SimpleRouter

from guanxi.api.plans import views as v

router = SimpleRouter()
router.register("plans", v.PlanViewSet, basename="plan")
router.register("plan-items", v.PlanItemViewSet, basename="plan-item")
router.register("activities", v.ActivityViewSet, basename="activity")
router.register("approvals", v.ApprovalViewSet, basename="approval")
router.register("delegations", v.DelegationViewSet, basename="delegation")

urlpatterns = router.urls
