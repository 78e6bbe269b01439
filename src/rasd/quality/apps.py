from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "rasd.quality"
    verbose_name = _("Data quality checks")

    def ready(self) -> None:
        from rasd.quality.rule_sheets import save_imported_rules
        from rasd.quality.services import check_new_version
        from rasd.questionnaires import hooks as questionnaire_hooks
        from rasd.submissions import hooks

        hooks.register(check_new_version)
        questionnaire_hooks.register(save_imported_rules)
