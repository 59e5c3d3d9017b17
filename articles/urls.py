from django.urls import path

from articles import views

app_name = "articles"

# Scaffolding: the public-site work replaces these views with the real pages.
urlpatterns = [
    path("news/<int:pk>/<str:slug>/", views.article_detail, name="detail"),
    path("news/<int:pk>/", views.article_detail, name="detail_short"),
    path("tags/<str:slug>/", views.article_detail, name="tag"),
]
