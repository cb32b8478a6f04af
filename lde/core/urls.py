from django.urls import path

from lde.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("cookies/", views.cookies, name="cookies"),
    path("audit/", views.site_audit, name="site-audit"),
    # Site administration: the marking scheme and the ceiling.
    path("site-administration/markings/", views.marking_list, name="marking-list"),
    path(
        "site-administration/markings/<int:marking_id>/",
        views.marking_change,
        name="marking-change",
    ),
    path("site-administration/ceiling/", views.ceiling_change, name="ceiling-change"),
]
