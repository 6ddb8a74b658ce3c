from django.urls import path

from health import views

app_name = "health"

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("accounts/<int:pk>/card/", views.account_health, name="card"),
    path("accounts/<int:pk>/risks/", views.risk_list, name="risks"),
    path("accounts/<int:pk>/risks/new/", views.risk_create, name="risk_create"),
    path("risks/<int:pk>/", views.risk_edit, name="risk_edit"),
    path("playbooks/log/", views.firing_log, name="firing_log"),
    path("actions/<int:pk>/done/", views.playbook_action_done, name="action_done"),
]
