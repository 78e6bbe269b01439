from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "rasd.review"
    verbose_name = _("Review")

    def ready(self) -> None:
        from rasd.quality.signals import issues_changed
        from rasd.review.states import after_new_version, on_issues_changed
        from rasd.submissions import hooks

        # Registered after quality's hook (rasd.quality comes first in INSTALLED_APPS), so the issues of the new
        # version are known when the state is set.
        hooks.register(after_new_version)
        issues_changed.connect(on_issues_changed, dispatch_uid="rasd.review.states")
