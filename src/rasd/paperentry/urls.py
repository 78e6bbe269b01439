from django.urls import URLPattern, URLResolver, path

from rasd.paperentry import views

app_name = "paperentry"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.paper_list, name="paper_list"),
    path("new/", views.paper_identify, name="paper_identify"),
    path("<int:pk>/", views.paper_detail, name="paper_detail"),
    path("<int:pk>/entry/", views.paper_entry, name="paper_entry"),
    path("<int:pk>/scans/", views.scan_upload, name="scan_upload"),
    path("<int:pk>/scans/<int:scan>/", views.scan_file, name="scan_file"),
    path("<int:pk>/resolve/", views.paper_resolve, name="paper_resolve"),
    path("rounds/<int:pk>/agreement/", views.round_agreement, name="round_agreement"),
]
