from django.urls import path

from lde.rollups import views

app_name = "rollups"

urlpatterns = [
    path("coverage/national/", views.national_coverage, name="national-coverage"),
]
