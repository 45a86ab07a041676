from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sendplan.accounts"
    verbose_name = "Accounts and organisations"
