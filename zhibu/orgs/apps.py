from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "zhibu.orgs"
    label = "orgs"
    verbose_name = "党组织"
