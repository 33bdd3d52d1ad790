from django.urls import path

from . import views

urlpatterns = [path("standards/", views.standards, name="standards")]
