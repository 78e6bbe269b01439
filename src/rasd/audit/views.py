from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.roles import Perm
from rasd.audit.forms import EntryFilterForm
from rasd.audit.selectors import entries_for


@requires(Perm.VIEW_AUDIT)
@require_safe
def entry_list(request: AuthenticatedRequest) -> HttpResponse:
    """Read-only by design: the audit log has no edit or delete page anywhere."""
    filters = EntryFilterForm(request.GET or None)
    page = Paginator(entries_for(request.user, filters.criteria()), 50).get_page(request.GET.get("page"))
    return render(request, "audit/entry_list.html", {"filters": filters, "page": page})
