from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from sendplan.home import views as home_views
from sendplan.learners import urls as learner_urls

# The learner pages, with the record page that gathers every app's part of the record.
learner_pages = [
    path("<int:pk>/", home_views.learner_record_page, name="record"),
    *learner_urls.urlpatterns,
]

# The admin asks for a second factor even from staff already signed in to the service,
# so it is no way round the service's own sign-in rules. django-otp documents swapping
# the default site's class; it keeps every model the apps' admin.py registered.
admin.site.__class__ = OTPAdminSite
admin.site.site_header = "SENDplan administration"
admin.site.site_title = "SENDplan administration"

urlpatterns = [
    path("", home_views.home, name="home"),
    path("accessibility/", home_views.accessibility_statement, name="accessibility"),
    path("privacy/", home_views.privacy_notice, name="privacy"),
    path("account/", include("sendplan.accounts.urls")),
    path("learners/", include((learner_pages, learner_urls.app_name))),
    path("places/", include("sendplan.provision.urls")),
    path("sufficiency/", include("sendplan.sufficiency.urls")),
    path("cases/", include("sendplan.casework.urls")),
    path("returns/sen2/", include("sendplan.casework.sen2.urls")),
    path("documents/", include("sendplan.documents.urls")),
    path("planning/", include("sendplan.planning.urls")),
    path("pathway/", include("sendplan.pathway.urls")),
    path("delivery/", include("sendplan.delivery.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("sendplan.api.urls")),
    # The Local Offer as open data (Open Referral UK): public, read-only, no personal data.
    path("oruk/", include("sendplan.provision.oruk_urls")),
]

handler403 = "sendplan.web.views.permission_denied"
handler404 = "sendplan.web.views.page_not_found"
handler500 = "sendplan.web.views.server_error"
