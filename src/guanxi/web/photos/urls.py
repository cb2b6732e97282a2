from django.urls import path

from guanxi.web.photos import views as v

urlpatterns = [
    path("customers/<int:pk>/photo/", v.customer_photo, name="customer-photo"),
    path("customers/<int:pk>/photo/upload/", v.customer_photo_upload, name="customer-photo-upload"),
    path("customers/<int:pk>/photo/remove/", v.customer_photo_remove, name="customer-photo-remove"),
    path("contacts/<int:pk>/photo/", v.contact_photo, name="contact-photo"),
    path("contacts/<int:pk>/photo/upload/", v.contact_photo_upload, name="contact-photo-upload"),
    path("contacts/<int:pk>/photo/remove/", v.contact_photo_remove, name="contact-photo-remove"),
]
