"""API routes for the customer archive: departments, contacts, relationships, dealings, contract
summaries, operations, market reports and personal-data requests."""

from rest_framework.routers import SimpleRouter

from guanxi.api.archive import views as v

router = SimpleRouter()
router.register("customer-departments", v.DepartmentViewSet, basename="customer-department")
router.register("contacts", v.ContactViewSet, basename="contact")
router.register("relationships", v.RelationshipViewSet, basename="relationship")
router.register("dealings", v.DealingViewSet, basename="dealing")
router.register("contract-summaries", v.ContractSummaryViewSet, basename="contract-summary")
router.register("operations", v.OperationViewSet, basename="operation")
router.register("market-reports", v.MarketReportViewSet, basename="market-report")
router.register(
    "personal-data-requests", v.PersonalDataRequestViewSet, basename="personal-data-request"
)

urlpatterns = router.urls
