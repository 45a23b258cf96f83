from django.apps import AppConfig


class MemberAssessmentConfig(AppConfig):
    name = "zhibu.member_assessment"
    label = "member_assessment"
    verbose_name = "党员考核与民主评议"
