from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from guanxi.ops import views as ops_views
from guanxi.web import views

handler500 = "guanxi.ops.views.server_error"

urlpatterns = [
    path("healthz", ops_views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("metrics", ops_views.metrics, name="metrics"),
    # first: the API is the busiest prefix, and no page path starts with it
    path("api/", include("guanxi.api.urls")),
    path("", views.home, name="home"),
    path("customers/", views.customer_list_page, name="customer-list"),
    path("customers/<int:pk>/", views.customer_detail_page, name="customer-detail"),
    path("contacts/<int:pk>/", views.contact_detail_page, name="contact-detail"),
    path("departments/<int:pk>/", views.department_detail_page, name="department-detail"),
    path("access-log/", include("guanxi.web.access.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", include("guanxi.web.archive.urls")),
    path("customers/", include("guanxi.web.customer_io.urls")),
    path("review/", include("guanxi.web.review.urls")),
    path("", include("guanxi.web.market.urls")),
    path("", include("guanxi.web.privacy.urls")),
    path("history/", include("guanxi.web.history.urls")),
    path("", include("guanxi.web.plans.urls")),
    path("keycustomers/", include("guanxi.web.keycustomers.urls")),
    path("", include("guanxi.web.contactreports.urls")),
    path("", include("guanxi.web.demands.urls")),
    path("", include("guanxi.web.photos.urls")),
    path("", include("guanxi.web.feedback.urls")),
    path("", include("guanxi.web.satisfaction.urls")),
    path("", include("guanxi.web.improvements.urls")),
    path("", include("guanxi.web.risk.urls")),
    path("", include("guanxi.web.workdays.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
