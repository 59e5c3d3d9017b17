from django.urls import path

from articles.feeds import RegionFeed
from regions import views

app_name = "regions"

urlpatterns = [
    path("", views.region_list, name="list"),
    path("<str:slug>/", views.region_detail, name="detail"),
    path("<str:slug>/rss/", RegionFeed(), name="rss"),
]
