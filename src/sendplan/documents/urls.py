"""Documents: a download link carries only the document's random id, never a name."""

from django.urls import path

from sendplan.documents import views

app_name = "documents"
urlpatterns = [
    path("<uuid:public_id>/", views.document_download, name="download"),
    path("learner/<int:pk>/add/", views.document_upload, name="upload"),
]
