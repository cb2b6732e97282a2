from rest_framework.routers import SimpleRouter

from guanxi.api.keycustomers import views as v

router = SimpleRouter()
router.register("visit-plans", v.VisitPlanViewSet, basename="visit-plan")
router.register("follow-ups", v.FollowUpViewSet, basename="follow-up")
router.register("customer-plans", v.CustomerPlanViewSet, basename="customer-plan")
router.register("contact-plan-rows", v.ContactRowViewSet, basename="contact-plan-row")
router.register("action-plan-rows", v.ActionRowViewSet, basename="action-plan-row")
router.register("revenue-plan-rows", v.RevenueRowViewSet, basename="revenue-plan-row")
router.register("campaigns", v.CampaignViewSet, basename="campaign")
router.register("campaign-targets", v.CampaignTargetViewSet, basename="campaign-target")

urlpatterns = router.urls
