"""Pages of data-quality issues. The issues themselves are shown on the record's page (template tag
`submission_issues`); here a reviewer accepts one as valid."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.scoping import get_scoped_or_404
from rasd.quality.forms import AcceptIssueForm
from rasd.quality.models import Issue
from rasd.quality.services import ACCEPT_PERMISSION, QualityError, accept_issue


@requires(ACCEPT_PERMISSION)
@require_POST
def issue_accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    issue = get_scoped_or_404(request.user, Issue.objects.all(), pk=pk)
    form = AcceptIssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the answer is valid as it is."))
    else:
        try:
            accept_issue(request.user, issue, form.cleaned_data["justification"])
        except (QualityError, PermissionDenied) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The issue is accepted as valid."))
    return redirect(reverse("submissions:submission_detail", args=[issue.submission_id]) + "#issues")
