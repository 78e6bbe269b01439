"""A round's progress: the table, its CSV download and the map points. Thin: the numbers come from
`rasd.collection.progress`. The page needs view_submissions (not only view_rounds) because it reveals how many
submissions arrived where; partners (viewers) are refused."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.roles import Perm
from rasd.collection import progress
from rasd.collection.views import round_for
from rasd.registry.boundary_layers import basemap
from rasd.registry.exporting import neutralise


@requires(Perm.VIEW_SUBMISSIONS)
@require_safe
def round_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    context = {
        "round": round_,
        "progress": progress.round_progress(request.user, round_),
        "basemap": basemap(),
    }
    return render(request, "collection/round_progress.html", context)


@requires(Perm.VIEW_SUBMISSIONS)
@require_safe
def round_progress_csv(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    numbers = progress.round_progress(request.user, round_)
    buffer = io.StringIO()
    # The BOM lets Excel open the Arabic names as UTF-8; codes are neutralised against formula injection.
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(progress.TABLE_HEADER)
    for row in progress.table_rows(numbers):
        writer.writerow([neutralise(cell) for cell in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="progress-{round_.code}.csv"'
    return response


@requires(Perm.VIEW_SUBMISSIONS)
@require_safe
def round_progress_points(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    round_ = round_for(request, pk)
    return JsonResponse(progress.map_points(request.user, round_))
