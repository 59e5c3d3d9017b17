from django.urls import path

from pageviews import views

app_name = "pageviews"

urlpatterns = [
    path("<str:article_id>/", views.record, name="record"),
]
