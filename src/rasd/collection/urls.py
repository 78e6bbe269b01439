from django.urls import URLPattern, URLResolver, path

from rasd.collection import views, views_collectors, views_progress

app_name = "collection"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.round_list, name="round_list"),
    path("new/", views.round_create, name="round_create"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/state/", views.round_state, name="round_state"),
    path("<int:pk>/unlock/", views.round_unlock, name="round_unlock"),
    path("<int:pk>/versions/", views.round_versions, name="round_versions"),
    path("<int:pk>/facilities/", views.expected_list, name="expected_list"),
    path("<int:pk>/facilities/add/", views.expected_add_scope, name="expected_add_scope"),
    path("<int:pk>/facilities/change/", views.expected_change, name="expected_change"),
    path("<int:pk>/progress/", views_progress.round_progress, name="round_progress"),
    path("<int:pk>/progress/progress.csv", views_progress.round_progress_csv, name="round_progress_csv"),
    path("<int:pk>/progress/points.geojson", views_progress.round_progress_points, name="round_progress_points"),
    path("<int:pk>/assignments/", views_collectors.assignment_list, name="assignment_list"),
    path("<int:pk>/assignments/add/", views_collectors.assignment_add, name="assignment_add"),
    path("<int:pk>/assignments/remove/", views_collectors.assignment_remove, name="assignment_remove"),
    path("<int:pk>/assignments/by-sector/", views_collectors.assign_by_sector, name="assign_by_sector"),
    path("<int:pk>/collectors/", views_collectors.collector_list, name="collector_list"),
    path("<int:pk>/collectors/cards/", views_collectors.collector_cards, name="collector_cards"),
    path("collectors/<int:pk>/tokens/new/", views_collectors.token_issue, name="token_issue"),
    path("tokens/<int:pk>/", views_collectors.token_detail, name="token_detail"),
    path("tokens/<int:pk>/qr.png", views_collectors.token_qr_png, name="token_qr_png"),
    path("tokens/<int:pk>/revoke/", views_collectors.token_revoke, name="token_revoke"),
]
