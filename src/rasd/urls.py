from django.urls import include, path

from rasd.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("rasd.core.urls")),
    path("accounts/", include("rasd.accounts.urls")),
    path("audit/", include("rasd.audit.urls")),
    path("registry/", include("rasd.registry.urls")),
    path("questionnaires/", include("rasd.questionnaires.urls")),
    path("rounds/", include("rasd.collection.urls")),
    path("submissions/", include("rasd.submissions.urls")),
    path("openrosa/", include("rasd.openrosa.urls")),
    path("entry/", include("rasd.webentry.urls")),
    path("paper/", include("rasd.paperentry.urls")),
    path("imports/", include("rasd.imports.urls")),
    path("quality/", include("rasd.quality.urls")),
    path("review/", include("rasd.review.urls")),
]
