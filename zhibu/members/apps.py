from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "zhibu.members"
    label = "members"
    verbose_name = "党员"
