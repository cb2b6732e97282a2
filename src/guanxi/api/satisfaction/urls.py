"""API route of the satisfaction analytics."""

from django.urls import path

from guanxi.api.satisfaction import views as v

urlpatterns = [path("satisfaction/", v.SatisfactionView.as_view(), name="satisfaction")]
