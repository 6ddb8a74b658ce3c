"""Our side's pages of shared plans."""

from django.urls import path

from sharing import views

app_name = "sharing"

urlpatterns = [
    path("plans/<int:pk>/", views.share_manage, name="manage"),
    path("plans/<int:pk>/invite/", views.share_invite, name="invite"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="resend"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="revoke"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="decide"),
]
