from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People, their scoped role grants, two-factor devices and login throttling."""

    name = "nguon.accounts"
    label = "accounts"
    verbose_name = "Tài khoản và phân quyền"
