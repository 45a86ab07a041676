from django.urls import path

from sendplan.provision import views

app_name = "provision"
urlpatterns = [
    path("", views.register, name="register"),
    path("<int:pk>/", views.setting, name="setting"),
]
