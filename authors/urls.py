from django.urls import path

from authors import views

app_name = "authors"

urlpatterns = [
    path("", views.author_list, name="list"),
    path("<str:slug>/", views.author_detail, name="detail"),
]
