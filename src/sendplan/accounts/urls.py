from django.urls import path

from sendplan.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("keep-alive/", views.keep_alive, name="keep-alive"),
    path("password/", views.change_password, name="change-password"),
    path("set-up/<str:token>/", views.set_up_link, name="set-up-link"),
    path("second-factor/", views.second_factor_code, name="second-factor"),
    path("second-factor/set-up/", views.second_factor_set_up, name="second-factor-set-up"),
    path(
        "second-factor/recovery-code/",
        views.second_factor_recovery,
        name="second-factor-recovery",
    ),
    path(
        "second-factor/set-up-link-needed/",
        views.second_factor_needs_link,
        name="second-factor-needs-link",
    ),
]
