"""Pages of the satisfaction analytics (ACT-6)."""

from django.urls import path

from guanxi.web.satisfaction import views as v

app_name = "satisfaction"
urlpatterns = [
    path("satisfaction/", v.satisfaction_page, name="page"),
    path("customers/<int:pk>/satisfaction/section/", v.customer_section, name="customer-section"),
]
