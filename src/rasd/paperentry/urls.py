from django.urls import URLPattern, URLResolver

app_name = "paperentry"

urlpatterns: list[URLPattern | URLResolver] = []
