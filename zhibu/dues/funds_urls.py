"""党建经费 pages (DUES-3), mounted at /funds/."""

from django.urls import path

from zhibu.dues import funds_views

app_name = "funds"
urlpatterns = [
    path("", funds_views.index, name="index"),
    path("export.xlsx", funds_views.index_export, name="index_export"),
    path("org/<int:pk>/", funds_views.organisation, name="organisation"),
    path("org/<int:pk>/export.xlsx", funds_views.organisation_export, name="organisation_export"),
    path("org/<int:pk>/budget/", funds_views.budget_set, name="budget_set"),
    path("org/<int:pk>/expenses/new/", funds_views.expense_add, name="expense_add"),
    path("expense/<int:pk>/", funds_views.expense_detail, name="expense"),
    path("expense/<int:pk>/receipts/new/", funds_views.receipt_add, name="receipt_add"),
    path("receipt/<int:pk>/", funds_views.receipt_download, name="receipt"),
    path("audit/", funds_views.audit, name="audit"),
    path("audit/export.xlsx", funds_views.audit_export, name="audit_export"),
]
