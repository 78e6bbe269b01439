from django.urls import URLPattern, URLResolver

app_name = "webentry"

urlpatterns: list[URLPattern | URLResolver] = []
