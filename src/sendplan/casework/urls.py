"""URLs of the casework pages: numeric ids and fixed words only. Tray filters are GET
parameters naming a stage or a status, never a person. The plan, review and portal pages
live in their own URL modules, included here."""

from django.urls import include, path

from sendplan.casework.views import case, dashboard, tray, tray_export

app_name = "casework"
urlpatterns = [
    path("", tray.work_tray, name="tray"),
    path("work-tray.csv", tray_export.work_tray_csv, name="tray-csv"),
    path("new/", case.case_new, name="new"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("<int:pk>/", case.case_detail, name="case"),
    path("<int:pk>/<slug:action>/", case.case_action, name="action"),
    path("<int:pk>/<slug:action>/<int:item_pk>/", case.case_action, name="action-item"),
    path("", include("sendplan.casework.urls_plan")),
    path("", include("sendplan.casework.urls_portal")),
]
