from django.urls import URLPattern, URLResolver, path

from guanxi.web.history import views as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("customer/<int:pk>/", views.customer_history_page, name="history-customer"),
]
