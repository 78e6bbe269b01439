from django.urls import URLPattern, URLResolver, path

from rasd.webentry import views

app_name = "webentry"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.start, name="start"),
    path("versions/<int:pk>/fill/<str:facility>/", views.fill, name="fill"),
    path("versions/<int:pk>/fill/<str:facility>/form.xml", views.fill_form, name="fill_form"),
    path("versions/<int:pk>/attachments/<str:name>", views.attachment, name="attachment"),
    path("versions/<int:pk>/submit/", views.submit, name="submit"),
    path("submissions/<int:pk>/edit/", views.edit, name="edit"),
    path("submissions/<int:pk>/edit/form.xml", views.edit_form, name="edit_form"),
    path("submissions/<int:pk>/edit/instance.xml", views.edit_instance, name="edit_instance"),
    path("submissions/<int:pk>/edit/attachments/<str:name>", views.edit_attachment, name="edit_attachment"),
    path("submissions/<int:pk>/edit/submit/", views.edit_submit, name="edit_submit"),
    path("versions/<int:pk>/preview/", views.preview, name="preview"),
    path("versions/<int:pk>/preview/form.xml", views.preview_form, name="preview_form"),
    path("versions/<int:pk>/preview/attachments/<str:name>", views.preview_attachment, name="preview_attachment"),
]
