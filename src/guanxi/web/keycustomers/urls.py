from django.urls import path

from guanxi.web.keycustomers import views as v

app_name = "keycustomers"
urlpatterns = [
    path("visits/", v.visit_list_page, name="visit-list"),
    path("visits/new/", v.visit_create_page, name="visit-create"),
    path("visits/<int:pk>/", v.visit_detail_page, name="visit-detail"),
    path("visits/<int:pk>/print.pdf", v.visit_pdf, name="visit-pdf"),
    path("visits/<int:pk>/summary/", v.visit_summarise_page, name="visit-summarise"),
    path("visits/<int:pk>/materials/", v.material_upload_page, name="material-upload"),
    path("visits/<int:pk>/materials/<int:material>/", v.material_download, name="material"),
    path("follow-ups/", v.follow_up_list_page, name="follow-ups"),
    path("follow-ups/<int:pk>/", v.follow_up_update_page, name="follow-up-update"),
    path("customer-plans/", v.plan_list_page, name="plan-list"),
    path("customer-plans/new/", v.plan_create_page, name="plan-create"),
    path("customer-plans/<int:pk>/", v.plan_detail_page, name="plan-detail"),
    path("customer-plans/<int:pk>/print.pdf", v.plan_pdf, name="plan-pdf"),
    path("customer-plans/<int:pk>/export.xlsx", v.plan_xlsx, name="plan-xlsx"),
    path("customer-plans/<int:pk>/edit/", v.plan_edit_page, name="plan-edit"),
    path("customer-plans/<int:pk>/rows/<str:kind>/", v.plan_row_add_page, name="plan-row-add"),
    path(
        "customer-plans/<int:pk>/rows/<str:kind>/<int:row>/",
        v.plan_row_edit_page,
        name="plan-row-edit",
    ),
    path("campaigns/", v.campaign_list_page, name="campaign-list"),
    path("campaigns/new/", v.campaign_create_page, name="campaign-create"),
    path("campaigns/<int:pk>/", v.campaign_detail_page, name="campaign-detail"),
    path("campaigns/<int:pk>/targets/", v.campaign_target_add_page, name="target-add"),
    path("campaigns/<int:pk>/<str:step>/", v.campaign_transition_page, name="campaign-step"),
    path("campaign-targets/<int:pk>/", v.campaign_target_update_page, name="target-update"),
]
