from django.urls import URLPattern, URLResolver, path

from guanxi.web.review import views as v

urlpatterns: list[URLPattern | URLResolver] = [
    path("", v.archive_review, name="archive-review"),
    path("report.xlsx", v.archive_review_report, name="archive-review-report"),
]
