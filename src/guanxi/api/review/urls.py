from django.urls import URLPattern, URLResolver, path

from guanxi.api.review import views as v

urlpatterns: list[URLPattern | URLResolver] = [
    path("review/customers/", v.ReviewCustomersView.as_view(), name="review-customers"),
    path("review/managers/", v.ReviewManagersView.as_view(), name="review-managers"),
    path("review/report/", v.ReviewReportView.as_view(), name="review-report"),
]
