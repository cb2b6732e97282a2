from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from guanxi.api import archive_views, views

app_name = "api"
router = DefaultRouter()
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("units", views.UnitViewSet, basename="unit")
router.register("people", views.PersonViewSet, basename="person")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("access-log", views.AccessLogViewSet, basename="access-log")
router.register(
    "customer-departments", archive_views.DepartmentViewSet, basename="customer-department"
)
router.register("contacts", archive_views.ContactViewSet, basename="contact")
router.register("relationships", archive_views.RelationshipViewSet, basename="relationship")
router.register("dealings", archive_views.DealingViewSet, basename="dealing")
router.register(
    "contract-summaries", archive_views.ContractSummaryViewSet, basename="contract-summary"
)
router.register("operations", archive_views.OperationViewSet, basename="operation")
router.register("market-reports", archive_views.MarketReportViewSet, basename="market-report")
router.register(
    "personal-data-requests",
    archive_views.PersonalDataRequestViewSet,
    basename="personal-data-request",
)

urlpatterns = [
    path("v1/auth/token/", views.TokenView.as_view(), name="token"),
    path("v1/me/", views.MeView.as_view(), name="me"),
    path("v1/", include("guanxi.api.customer_io_urls")),
    path("v1/", include("guanxi.api.review_urls")),
    path("v1/", include("guanxi.api.history_urls")),
    path("v1/", include("guanxi.api.keycustomers_urls")),
    path("v1/", include("guanxi.api.plans_urls")),
    path("v1/", include("guanxi.api.photo_urls")),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
