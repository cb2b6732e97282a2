from django.urls import path

from guanxi.api.photos import views as v

urlpatterns = [
    path("customers/<int:pk>/photo/", v.CustomerPhotoView.as_view(), name="customer-photo"),
    path("contacts/<int:pk>/photo/", v.ContactPhotoView.as_view(), name="contact-photo"),
]
