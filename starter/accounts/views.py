from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Profile
from .signals import login_succeeded


class LoginView(auth_views.LoginView):
    """Django's LoginView, plus the login_succeeded signal once the user is in."""

    template_name = "accounts/login.html"

    def form_valid(self, form):
        # Django's form_valid() logs the user in and rotates the session key:
        # only after it has the login really happened.
        response = super().form_valid(form)
        # send_robust(): should a receiver in another app raise, Django logs
        # the error and the login still succeeds.
        login_succeeded.send_robust(
            sender=self.__class__, request=self.request, user=form.get_user()
        )
        return response


@login_required
def profile(request):
    # Users created before the profile receiver existed have no profile.
    profile = Profile.objects.filter(user=request.user).first()
    return render(request, "accounts/profile.html", {"profile": profile})
