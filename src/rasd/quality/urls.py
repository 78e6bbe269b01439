from django.urls import URLPattern, URLResolver, path

from rasd.quality import views, views_dashboard, views_rules

app_name = "quality"

urlpatterns: list[URLPattern | URLResolver] = [
    path("issues/<int:pk>/accept/", views.issue_accept, name="issue_accept"),
    path("rounds/", views_dashboard.dashboard_index, name="dashboard"),
    path("rounds/<int:pk>/", views_dashboard.round_dashboard, name="round_dashboard"),
    path("rounds/<int:pk>/issues.xlsx", views_dashboard.round_issues_xlsx, name="round_issues_xlsx"),
    path("rules/", views_rules.rule_list, name="rule_list"),
    path("rules/new/", views_rules.rule_create, name="rule_create"),
    path("rules/<int:pk>/edit/", views_rules.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/active/", views_rules.rule_set_active, name="rule_set_active"),
    path("rules/rounds/<int:pk>/validate/", views_rules.round_validate, name="round_validate"),
]
