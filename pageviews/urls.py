from django.urls import path

app_name = "pageviews"

urlpatterns: list = []
