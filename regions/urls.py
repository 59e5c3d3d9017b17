from django.urls import path

from regions import views

app_name = "regions"

urlpatterns = [
    path("<str:slug>/", views.detail, name="detail"),
]
