from django.urls import path

from volunteers import hours_views, indicator_views, views

app_name = "volunteers"

urlpatterns = [
    # The board's indicators (indicator_views.py)
    path("indicators/", indicator_views.indicators, name="indicators"),
    path("indicators.csv", indicator_views.indicators_csv, name="indicators_csv"),
    # Coordinators' overview, volunteers, groups and roles (views.py)
    path("", views.home, name="home"),
    path("volunteers/", views.volunteer_list, name="list"),
    path("volunteers/add/", views.volunteer_add, name="volunteer_add"),
    path("volunteers/<int:pk>/", views.volunteer_detail, name="volunteer"),
    path("volunteers/<int:pk>/edit/", views.volunteer_edit, name="volunteer_edit"),
    path("volunteers/<int:pk>/invite/", views.volunteer_invite, name="volunteer_invite"),
    path("volunteers/<int:pk>/erase/", views.volunteer_erase, name="volunteer_erase"),
    path("volunteers/<int:pk>/checks/add/", views.check_add, name="check_add"),
    path("groups/<slug:slug>/", views.group_detail, name="group"),
    path("groups/<slug:slug>/roles/add/", views.opportunity_add, name="opportunity_add"),
    path("groups/<slug:slug>/roles/<int:pk>/", views.opportunity_edit, name="opportunity_edit"),
    path("roles/", views.opportunity_list, name="opportunities"),
    path("me/details/", views.own_details, name="own_details"),
    # Hours, surveys and credits (hours_views.py)
    path("me/", hours_views.me, name="me"),
    path("hours/log/", hours_views.hours_log, name="hours_log"),
    path("groups/<slug:slug>/session/", hours_views.session_log, name="session_log"),
    path("hours/<int:pk>/approve/", hours_views.hours_approve, name="hours_approve"),
    path("hours/<int:pk>/reject/", hours_views.hours_reject, name="hours_reject"),
    path("hours/<int:pk>/correct/", hours_views.hours_correct, name="hours_correct"),
    path("hours/<int:pk>/survey/", hours_views.survey, name="survey"),
    path("credits/spend/", hours_views.credits_spend, name="spend"),
    path("credits/gift/", hours_views.credits_gift, name="gift"),
    path("groups/<slug:slug>/bank/give/", hours_views.bank_give, name="bank_give"),
    path("groups/<slug:slug>/bank/adjust/", hours_views.adjust_bank, name="bank_adjust"),
    path("volunteers/<int:pk>/adjust/", hours_views.adjust_volunteer, name="volunteer_adjust"),
]
