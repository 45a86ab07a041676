from django.urls import path

from sendplan.provision import offer_views, service_views, strand_views, views

app_name = "provision"
urlpatterns = [
    path("", views.register, name="register"),
    path("<int:pk>/", views.setting, name="setting"),
    path("strands/<int:pk>/", strand_views.strand, name="strand"),
    path(
        "strands/<int:pk>/convert-to-inclusion-base/",
        strand_views.strand_convert,
        name="strand-convert",
    ),
    path("local-services/", service_views.local_services, name="local-services"),
    path("local-services/add/", service_views.local_service_add, name="local-service-add"),
    path("local-services/<int:pk>/", service_views.local_service, name="local-service"),
    path(
        "local-services/<int:pk>/change/",
        service_views.local_service_edit,
        name="local-service-edit",
    ),
    path("local-offer/not-listed/", offer_views.unmatched, name="unmatched"),
    path("local-offer/not-listed.csv", offer_views.unmatched_csv, name="unmatched-csv"),
]
