from django.urls import path

from guanxi.web.risk import views as v

app_name = "risk"
urlpatterns = [
    path("risk-signals/", v.risk_list_page, name="risk-list"),
    path("customers/<int:pk>/risk/", v.customer_panel, name="customer-panel"),
]
