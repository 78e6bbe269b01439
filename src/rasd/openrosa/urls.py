"""OpenRosa endpoints, twice: under `key/<token>/` for collectors' devices, and bare for HTTP Basic.

ODK Collect appends the protocol paths (`formList`, `submission`) to whatever server URL it was given, so the
token lives in the path, as with ODK Central's app users."""

from django.urls import URLPattern, URLResolver, include, path

from rasd.openrosa import views

app_name = "openrosa"


def _endpoints(prefix: str) -> list[URLPattern | URLResolver]:
    return [
        path("formList", views.form_list, name=f"{prefix}formlist"),
        path("forms/<slug:form_id>.xml", views.form_download, name=f"{prefix}form_download"),
        path("forms/<slug:form_id>/manifest", views.manifest, name=f"{prefix}manifest"),
        path("forms/<slug:form_id>/attachments/<str:name>", views.attachment, name=f"{prefix}attachment"),
        path("submission", views.submission, name=f"{prefix}submission"),
    ]


urlpatterns: list[URLPattern | URLResolver] = [
    path("key/<str:token>/", include(_endpoints("key_"))),
    *_endpoints(""),
]
