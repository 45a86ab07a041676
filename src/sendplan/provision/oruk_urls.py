"""``/oruk/``: the Open Referral UK feed of the Local Offer. Paths as the profile writes
them, with no trailing slash (``/oruk/services``, ``/oruk/services/{id}``)."""

from django.urls import path

from sendplan.provision import oruk_views as views

app_name = "oruk"
urlpatterns = [
    path("", views.index_view, name="index"),
    path("services", views.services_view, name="services"),
    path("services/<str:pk>", views.service_view, name="service"),
    path("organizations", views.organizations_view, name="organizations"),
    path("organizations/<str:pk>", views.organization_view, name="organization"),
    path("service_at_locations", views.service_at_locations_view, name="service-at-locations"),
    path(
        "service_at_locations/<str:pk>",
        views.service_at_location_view,
        name="service-at-location",
    ),
    path("taxonomies", views.taxonomies_view, name="taxonomies"),
    path("taxonomies/<str:pk>", views.taxonomy_view, name="taxonomy"),
    path("taxonomy_terms", views.taxonomy_terms_view, name="taxonomy-terms"),
    path("taxonomy_terms/<str:pk>", views.taxonomy_term_view, name="taxonomy-term"),
]
