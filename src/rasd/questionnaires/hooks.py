"""Import hooks: functions called by `import_xlsform` for every version it stores, inside its transaction, once the
version and its field catalogue are saved (and before it is published).

Other apps read what they need from the XLSForm this way without the questionnaires app knowing them (the data
quality app saves the rules of a `rasd_rules` sheet). A hook refuses the whole import by raising `XLSFormError`:
nothing of the version is stored then.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rasd.lib.hooks import Hooks

if TYPE_CHECKING:
    from rasd.accounts.models import User
    from rasd.questionnaires.models import QuestionnaireVersion

ImportHook = Callable[["User | None", "QuestionnaireVersion"], None]

_registry: Hooks[ImportHook] = Hooks()
register = _registry.register
unregister = _registry.unregister
registered = _registry.registered


def run(actor: User | None, version: QuestionnaireVersion) -> None:
    for hook in registered():
        hook(actor, version)
