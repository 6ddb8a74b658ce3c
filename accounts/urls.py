from django.urls import path

from accounts.views import account, cards, contacts, importing, lines, personal_data, register

app_name = "accounts"

urlpatterns = [
    path("", register.account_list, name="list"),
    path("export.<str:fmt>", register.account_export, name="export"),
    path("new/", account.account_create, name="create"),
    path("<int:pk>/", account.account_detail, name="detail"),
    path("<int:pk>/cards/<slug:key>/", cards.account_card, name="card"),
    path("<int:pk>/edit/", account.account_edit, name="edit"),
    path("<int:pk>/financials/", account.account_financials, name="financials"),
    path("<int:pk>/interactions/", account.interaction_create, name="interaction_create"),
    path("<int:pk>/map/", contacts.account_map, name="map"),
    path("<int:pk>/map/print/", contacts.account_map_print, name="map_print"),
    path("<int:pk>/map/contacts/new/", contacts.contact_create, name="contact_create"),
    path("<int:pk>/map/contacts/<int:contact_pk>/", contacts.contact_edit, name="contact_edit"),
    path("<int:pk>/map/contacts/<int:contact_pk>/presence/", contacts.contact_presence, name="contact_presence"),
    path(
        "<int:pk>/map/contacts/<int:contact_pk>/personal-data/",
        personal_data.contact_personal_data_page,
        name="contact_personal_data",
    ),
    path(
        "<int:pk>/map/contacts/<int:contact_pk>/personal-data/export.json",
        personal_data.contact_personal_data_export,
        name="contact_personal_data_export",
    ),
    path(
        "<int:pk>/map/contacts/<int:contact_pk>/personal-data/erase/",
        personal_data.contact_personal_data_erase,
        name="contact_personal_data_erase",
    ),
]

urlpatterns += [
    path("import/", importing.import_upload, name="import"),
    path("import/<int:pk>/map/", importing.import_map, name="import_map"),
    path("import/<int:pk>/preview/", importing.import_preview, name="import_preview"),
    path("import/<int:pk>/result/", importing.import_result, name="import_result"),
    path(
        "import/<int:pk>/accept-suggestions/",
        importing.import_accept_suggestions,
        name="import_accept_suggestions",
    ),
    path("import/<int:pk>/lines/", importing.import_line_choices, name="import_line_choices"),
    path("import/mappings/", importing.import_mappings, name="import_mappings"),
    path("import/mappings/<int:pk>/", importing.import_mapping_edit, name="import_mapping_edit"),
    path("import/mappings/<int:pk>/delete/", importing.import_mapping_delete, name="import_mapping_delete"),
]

urlpatterns += [
    path("lines/", lines.product_line_list, name="lines"),
    path("lines/new/", lines.product_line_create, name="line_create"),
    path("lines/merge/", lines.product_line_merge, name="line_merge"),
    path("lines/<int:pk>/", lines.product_line_edit, name="line_edit"),
    path("lines/<int:pk>/deactivate/", lines.product_line_deactivate, name="line_deactivate"),
]
