"""Signals that accounts sends. Other apps listen to them; accounts never imports those apps."""

from django.dispatch import Signal

# Sent by accounts.views.LoginView once a user has logged in through the login
# page; never for a failed attempt. Arguments:
#   sender:  the view class, LoginView (or a subclass of it)
#   request: the HttpRequest; request.user is already the user who logged in
#   user:    the User who logged in
login_succeeded = Signal()
