from django.urls import path

from guanxi.web.improvements import views as v

app_name = "improvements"
urlpatterns = [
    path("improvement-proposals/", v.proposal_list_page, name="proposal-list"),
    path(
        "improvement-proposals/from-form/<int:record>/",
        v.proposal_create_page,
        name="proposal-create",
    ),
    path("improvement-proposals/<int:pk>/", v.proposal_detail_page, name="proposal-detail"),
    path("improvement-proposals/<int:pk>/edit/", v.proposal_edit_page, name="proposal-edit"),
    path("improvement-proposals/<int:pk>/submit/", v.proposal_submit_page, name="proposal-submit"),
    path("improvement-proposals/<int:pk>/decide/", v.proposal_decide_page, name="proposal-decide"),
    path("improvement-plan/", v.plan_page, name="plan"),
    path("improvement-plan/items/new/", v.item_create_page, name="item-create"),
    path("improvement-plan/items/<int:pk>/progress/", v.item_progress_page, name="item-progress"),
    path("improvement-plan/items/<int:pk>/assign/", v.item_assign_page, name="item-assign"),
    path("forwarded-opinions/", v.opinion_list_page, name="opinion-list"),
    path(
        "forwarded-opinions/from-form/<int:record>/",
        v.opinion_forward_page,
        name="opinion-forward",
    ),
    path("forwarded-opinions/<int:pk>/answer/", v.opinion_answer_page, name="opinion-answer"),
]
