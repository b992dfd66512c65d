from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo province (Thái Nguyên): loaders each domain adds to, run by ``nguon demo load``."""

    name = "nguon.demo"
    label = "demo"
    verbose_name = "Dữ liệu trình diễn"
