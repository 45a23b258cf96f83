from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "zhibu.goals"
    label = "goals"
    verbose_name = "目标管理"
