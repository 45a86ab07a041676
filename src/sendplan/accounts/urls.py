from django.urls import path

from sendplan.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("second-factor/", views.second_factor_code, name="second-factor"),
    path("second-factor/set-up/", views.second_factor_set_up, name="second-factor-set-up"),
]
