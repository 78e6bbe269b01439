from django.urls import URLPattern, URLResolver, path

from rasd.imports import views

app_name = "imports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("rounds/<int:pk>/", views.round_imports, name="round_imports"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/status/", views.job_status, name="job_status"),
    path("<int:pk>/import/", views.job_apply, name="job_apply"),
]
