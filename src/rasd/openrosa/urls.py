from django.urls import URLPattern, URLResolver

app_name = "openrosa"

urlpatterns: list[URLPattern | URLResolver] = []
