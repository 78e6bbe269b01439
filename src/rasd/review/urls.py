from django.urls import URLPattern, URLResolver, path

from rasd.review import views

app_name = "review"
urlpatterns: list[URLPattern | URLResolver] = [
    path("submissions/<int:pk>/decide/", views.decide, name="decide"),
    path("submissions/<int:pk>/comment/", views.comment, name="comment"),
    path("bulk/", views.bulk, name="bulk"),
    path("national/", views.national, name="national"),
    path("directorates/", views.directorate, name="directorate"),
]
