from django.urls import path

from guanxi.web.archive import views as v

urlpatterns = [
    path("customers/new/", v.customer_create, name="customer-create"),
    path("customers/<int:pk>/edit/", v.customer_edit, name="customer-edit"),
    path("customers/<int:pk>/contacts/new/", v.contact_create, name="contact-create"),
    path("customers/<int:pk>/departments/new/", v.department_create, name="department-create"),
    path("customers/<int:pk>/dealings/new/", v.dealing_create, name="dealing-create"),
    path("customers/<int:pk>/operations/new/", v.operation_create, name="operation-create"),
    path("contacts/<int:pk>/edit/", v.contact_edit, name="contact-edit"),
    path("contacts/<int:pk>/relationship/", v.relationship_edit, name="relationship-edit"),
]
