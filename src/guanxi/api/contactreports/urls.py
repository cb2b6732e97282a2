from django.urls import path
from rest_framework.routers import SimpleRouter

from guanxi.api.contactreports import views as v

router = SimpleRouter()
router.register("contact-reports", v.ContactReportViewSet, basename="contact-report")
router.register("next-contacts", v.NextContactViewSet, basename="next-contact")

urlpatterns = [
    path("customers/<int:pk>/timeline/", v.TimelineView.as_view(), name="customer-timeline"),
    *router.urls,
]
