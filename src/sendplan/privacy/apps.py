from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Work that reads across every app for a data subject's rights: the subject access
    export. It sits above the apps it reads, so none of them imports it."""

    name = "sendplan.privacy"
