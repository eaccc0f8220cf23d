"""What foo's view would be with send() instead of send_robust(). Tests only.

tests/test_failing_receivers.py routes to it to show the difference; the
running demo never uses it.
"""

# --8<-- [start:imports]
from django.contrib.auth import views as auth_views
from django.urls import path

from foo.signals import user_login
from tutorial_site.urls import urlpatterns as site_urlpatterns


# --8<-- [end:imports]
# --8<-- [start:view]
class FragileLoginView(auth_views.LoginView):
    template_name = "foo/login.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        # send(): the first receiver that raises stops the loop, and the
        # exception reaches Django's handler: a 500 page, after the login.
        user_login.send(
            sender=self.__class__, request=self.request, user=form.get_user()
        )
        return response


# --8<-- [end:view]
# The fragile view takes over /accounts/login/; every other URL stays as it is.
urlpatterns = [
    path("accounts/login/", FragileLoginView.as_view(), name="login"),
    *site_urlpatterns,
]
