from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from guanxi.api import views

app_name = "api"
router = DefaultRouter()
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("units", views.UnitViewSet, basename="unit")
router.register("people", views.PersonViewSet, basename="person")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("access-log", views.AccessLogViewSet, basename="access-log")

urlpatterns = [
    path("v1/auth/token/", views.TokenView.as_view(), name="token"),
    path("v1/me/", views.MeView.as_view(), name="me"),
    path("v1/", include("guanxi.api.archive.urls")),
    path("v1/", include("guanxi.api.customer_io.urls")),
    path("v1/", include("guanxi.api.review.urls")),
    path("v1/", include("guanxi.api.history.urls")),
    path("v1/", include("guanxi.api.keycustomers.urls")),
    path("v1/", include("guanxi.api.contactreports.urls")),
    path("v1/", include("guanxi.api.demands.urls")),
    path("v1/", include("guanxi.api.plans.urls")),
    path("v1/", include("guanxi.api.photos.urls")),
    path("v1/", include("guanxi.api.feedback.urls")),
    path("v1/", include("guanxi.api.satisfaction.urls")),
    path("v1/", include("guanxi.api.improvements.urls")),
    path("v1/", include("guanxi.api.risk.urls")),
    path("v1/", include("guanxi.api.workdays.urls")),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
