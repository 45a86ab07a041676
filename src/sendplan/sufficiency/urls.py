from django.urls import path

from sendplan.sufficiency import views

app_name = "sufficiency"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("spend/", views.spend, name="spend"),
    path("scenarios/", views.scenarios, name="scenarios"),
    path("scenarios/new/", views.scenario_new, name="scenario-new"),
    path("scenarios/combine/", views.scenario_combine, name="scenario-combine"),
    path("scenarios/<int:pk>/", views.scenario_edit, name="scenario-edit"),
    path("scenarios/<int:pk>/remove/", views.scenario_remove, name="scenario-remove"),
    path("scenarios/<int:pk>/parts/", views.scenario_parts, name="scenario-parts"),
    path("assumptions/", views.assumptions, name="assumptions"),
    path("assumptions/provision/new/", views.provision_new, name="provision-new"),
    path(
        "assumptions/provision/<int:pk>/remove/",
        views.provision_remove,
        name="provision-remove",
    ),
    path("runs/", views.run_now, name="run-now"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("download/<slug:table>.<slug:fmt>", views.download, name="download"),
    path("summary/", views.summary, name="summary"),
    path("reform-plan/", views.reform_plan, name="reform-plan"),
    path(
        "reform-plan/download/<slug:table>.<slug:fmt>",
        views.reform_download,
        name="reform-download",
    ),
    path("money/", views.money_page, name="money"),
    path("money/budget/<int:year>/", views.budget, name="budget"),
    path("money/central/new/", views.central_new, name="central-new"),
    path("money/central/<int:pk>/", views.central_edit, name="central-edit"),
    path("money/central/<int:pk>/remove/", views.central_remove, name="central-remove"),
    path("money/dsg-plan/", views.dsg_plan_page, name="dsg-plan"),
    path("money/decision/", views.decision, name="decision"),
    path(
        "money/dsg-plan/download/<slug:table>.<slug:fmt>", views.dsg_download, name="dsg-download"
    ),
    path("money/download/<slug:table>.<slug:fmt>", views.money_download, name="money-download"),
]
