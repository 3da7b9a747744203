"""The bank pages' addresses (names are global: see huikuan/web/DESIGN.md)."""

from django.urls import URLPattern, path

from huikuan.bank.views import accounts, files, review

urlpatterns: list[URLPattern] = [
    path("bank/", review.review_page, name="bank_review"),
    path("bank/accept/", review.bulk_accept_page, name="bank_bulk_accept"),
    path("bank/lines/<int:pk>/", review.line_page, name="bank_line"),
    path("bank/lines/<int:pk>/accept/", review.accept_page, name="bank_line_accept"),
    path("bank/lines/<int:pk>/reject/", review.reject_page, name="bank_line_reject"),
    path("bank/lines/<int:pk>/ignore/", review.ignore_page, name="bank_line_ignore"),
    path("bank/lines/<int:pk>/reopen/", review.reopen_page, name="bank_line_reopen"),
    path("bank/lines/<int:pk>/unmatch/", review.unmatch_page, name="bank_line_unmatch"),
    path("bank/lines/<int:pk>/assign/", review.assign_page, name="bank_line_assign"),
    path("bank/import/", files.import_page, name="bank_import"),
    path("bank/statements/", files.statement_list_page, name="bank_statements"),
    path("bank/statements/<int:pk>/", files.statement_page, name="bank_statement"),
    path("bank/accounts/", accounts.account_list_page, name="bank_accounts"),
    path("bank/accounts/new/", accounts.account_edit_page, name="bank_account_create"),
    path("bank/accounts/<int:pk>/", accounts.account_edit_page, name="bank_account_edit"),
    path("bank/accounts/<int:pk>/columns/", accounts.mapping_page, name="bank_mapping"),
]
