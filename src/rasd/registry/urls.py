from rasd.registry.views import facilities, imports, quality

app_name = "registry"
urlpatterns = [*facilities.urlpatterns, *imports.urlpatterns, *quality.urlpatterns]
