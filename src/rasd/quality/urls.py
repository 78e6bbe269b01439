from django.urls import URLPattern, URLResolver, path

from rasd.quality import views

app_name = "quality"

urlpatterns: list[URLPattern | URLResolver] = [
    path("issues/<int:pk>/accept/", views.issue_accept, name="issue_accept"),
]
