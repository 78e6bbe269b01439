from django.urls import path

from rasd.questionnaires import views, views_paper

app_name = "questionnaires"
urlpatterns = [
    path("", views.questionnaire_list, name="questionnaire_list"),
    path("upload/", views.version_upload, name="version_upload"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:pk>/publish/", views.version_publish, name="version_publish"),
    path("versions/<int:pk>/retire/", views.version_retire, name="version_retire"),
    path("versions/<int:pk>/xlsform/", views.version_xlsform, name="version_xlsform"),
    path("versions/<int:pk>/xform/", views.version_xform, name="version_xform"),
    path("<slug:form_id>/diff/", views.questionnaire_diff, name="questionnaire_diff"),
    *views_paper.urlpatterns,
]
