from django.urls import path

from articles import feeds, search, views

app_name = "articles"

urlpatterns = [
    path("news/", views.article_list, name="list"),
    path("news/<int:pk>/", views.article_redirect, name="detail_short"),
    path("news/<int:pk>/<str:slug>/", views.article_detail, name="detail"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
    path("tags/<str:slug>/rss/", feeds.TagFeed(), name="tag_rss"),
    path("search/", search.search_view, name="search"),
    path("rss/", feeds.LatestFeed(), name="rss"),
]
