"""Review decisions for the demo, so its pages show every state: `rasd load_demo` runs them as the demo
administrator through the same services a reviewer uses (nothing is written behind their back)."""

from __future__ import annotations

from rasd.accounts.models import User
from rasd.collection.models import Round
from rasd.registry.models import Directorate
from rasd.review import services
from rasd.review.queues import WAITING_FOR_DIRECTORATE, WAITING_FOR_NATIONAL
from rasd.submissions.models import Submission, SubmissionState

# What a directorate's reviewer would write, in the demo's first language.
RETURN_MESSAGE = "يرجى التأكد من عدد الأسرّة العاملة وإعادة الإرسال."
COMMENT = "تمت مراجعة الخدمات مع مدير المرفق هاتفياً."


def review_some(admin: User, round_: Round) -> str:
    """Approve the first directorate's records at both levels and the second's at the first level, return two of
    the third's to their collectors and comment on one. Records with open high-severity issues stay waiting, as
    they would without a justification. Returns a line for the demo's summary."""
    directorates = list(
        Directorate.objects.filter(pk__in=Submission.objects.filter(round=round_).values("directorate"))
        .order_by("code")
        .values_list("pk", flat=True)[:3]
    )
    records = Submission.objects.filter(round=round_)
    approved = 0
    for position, directorate in enumerate(directorates[:2]):
        waiting = records.filter(directorate=directorate, state__in=sorted(WAITING_FOR_DIRECTORATE))
        approved += len(services.bulk(admin, waiting, services.ReviewAction.APPROVE).done)
        if position == 0:
            ready = records.filter(directorate=directorate, state__in=sorted(WAITING_FOR_NATIONAL))
            services.bulk(admin, ready, services.ReviewAction.APPROVE)
    returned = 0
    if len(directorates) == 3:
        third = records.filter(directorate=directorates[2], state=SubmissionState.RECEIVED).order_by("pk")
        for record in third[:2]:
            services.return_to_collector(admin, record, message=RETURN_MESSAGE)
            returned += 1
        commented = third.first()
        if commented is not None:
            services.add_comment(admin, commented, COMMENT)
    return f"review: {approved} approved by their directorate (one directorate's nationally too), {returned} returned"
