from django.urls import URLPattern, URLResolver

app_name = "collection"

urlpatterns: list[URLPattern | URLResolver] = []
