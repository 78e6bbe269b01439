"""rasd's URLs plus two deliberately unscoped views, to prove the scope matrix catches them."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from rasd.accounts.models import User
from rasd.urls import urlpatterns as rasd_urlpatterns


@login_required
def leaky_user_list(request: HttpRequest) -> HttpResponse:
    # The bug under test: all accounts, not scoped(request.user, ...).
    return HttpResponse("\n".join(user.full_name for user in User.objects.all()))


@login_required
def leaky_user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(get_object_or_404(User, pk=pk).full_name)


urlpatterns = [
    *rasd_urlpatterns,
    path("leaky/users/", leaky_user_list, name="leaky_user_list"),
    path("leaky/users/<int:pk>/", leaky_user_detail, name="leaky_user_detail"),
]
