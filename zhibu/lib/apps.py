from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "zhibu.lib"
    label = "lib"
    verbose_name = "公共组件"
