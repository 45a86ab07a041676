"""The SEN2 return pages: the collection's year and page numbers only in the URLs."""

from django.urls import path

from sendplan.casework.sen2 import views

app_name = "sen2"
urlpatterns = [
    path("", views.sen2_index, name="index"),
    path("annex-a.csv", views.annex_a_csv, name="annex-a"),
    path("<int:year>/", views.sen2_return_page, name="return"),
    path("<int:year>/return.xml", views.sen2_return_xml, name="xml"),
    path("<int:year>/problems.csv", views.sen2_problems_csv, name="problems-csv"),
]
