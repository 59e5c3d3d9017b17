from django.urls import path

from pageviews import views

app_name = "pageviews"

urlpatterns = [
    path("top/", views.top, name="top"),
    path("pageviews/<str:article_id>/", views.record, name="record"),
]
