from django.urls import path

from volunteers import indicator_views, views

app_name = "volunteers"

urlpatterns = [
    # The board's indicators (indicator_views.py)
    path("indicators/", indicator_views.indicators, name="indicators"),
    path("indicators.csv", indicator_views.indicators_csv, name="indicators_csv"),
    # Coordinators and volunteers (views.py)
    path("", views.home, name="home"),
]
