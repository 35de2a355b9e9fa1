from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("", views.certificate_list, name="certificate_list"),
    path("<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path("<int:pk>/renew/", views.certificate_renew, name="certificate_renew"),
    path("<int:pk>/change/", views.certificate_change, name="certificate_change"),
    path("<int:pk>/reissue/", views.certificate_reissue, name="certificate_reissue"),
    path("<int:pk>/transfer-out/", views.certificate_transfer_out, name="certificate_transfer_out"),
    path("<int:pk>/cancel/", views.certificate_cancel, name="certificate_cancel"),
    path("persons/<int:person_pk>/issue/", views.certificate_issue, name="certificate_issue"),
    path("persons/<int:person_pk>/transfer-in/", views.certificate_transfer_in, name="certificate_transfer_in"),
    path("persons/<int:person_pk>/assessments/new/", views.assessment_create, name="assessment_create"),
    path("assessments/review/", views.assessment_worklist, name="assessment_worklist"),
    path("assessments/<int:pk>/review/", views.assessment_review, name="assessment_review"),
    path("assessments/<int:pk>/reject/", views.assessment_reject, name="assessment_reject"),
    path("assessments/<int:pk>/application.pdf", views.application_form_pdf, name="application_form_pdf"),
]
