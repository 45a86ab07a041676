from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("sendplan.web.urls")),
    path("account/", include("sendplan.accounts.urls")),
    path("learners/", include("sendplan.learners.urls")),
    path("places/", include("sendplan.provision.urls")),
    path("admin/", admin.site.urls),
]
