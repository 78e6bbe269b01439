from django.urls import path

from rasd.submissions import views

app_name = "submissions"
urlpatterns = [
    path("", views.submission_list, name="submission_list"),
    path("export/", views.submission_export, name="submission_export"),
    path("<int:pk>/", views.submission_detail, name="submission_detail"),
    path("<int:pk>/versions/<int:number>/xml/", views.version_xml, name="version_xml"),
    path("<int:pk>/attachments/<int:attachment>/", views.attachment_download, name="attachment_download"),
]
