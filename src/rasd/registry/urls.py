from rasd.registry.views import facilities, geography, imports, maps, quality, sectors

app_name = "registry"
# facilities last: a facility's page, /registry/facilities/<code>/, takes any path below facilities/ (codes may
# contain "/"), so any other module's URL under facilities/ must be matched first.
urlpatterns = [
    *imports.urlpatterns,
    *quality.urlpatterns,
    *geography.urlpatterns,
    *maps.urlpatterns,
    *sectors.urlpatterns,
    *facilities.urlpatterns,
]
