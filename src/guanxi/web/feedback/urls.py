"""Pages of the activity forms: the same views under each form's own path (GLOSSARY)."""

from django.urls import URLPattern, URLResolver, path

from guanxi.web.feedback import views as v

urlpatterns: list[URLPattern | URLResolver] = []
for kind, (prefix, name) in v.ROUTES.items():
    extra = {"kind": kind}
    urlpatterns += [
        path(f"{prefix}/", v.list_page, extra, name=f"{name}-list"),
        path(f"{prefix}/new/<int:activity>/", v.create_page, extra, name=f"{name}-create"),
        path(f"{prefix}/<int:pk>/", v.detail_page, extra, name=f"{name}-detail"),
        path(f"{prefix}/<int:pk>/edit/", v.edit_page, extra, name=f"{name}-edit"),
        path(f"{prefix}/<int:pk>/sign/<str:role>/", v.sign_page, extra, name=f"{name}-sign"),
        path(f"{prefix}/<int:pk>/print.pdf", v.pdf_page, extra, name=f"{name}-pdf"),
        path(
            f"{prefix}/<int:pk>/signatures/<int:signature>.png",
            v.signature_image,
            extra,
            name=f"{name}-signature",
        ),
    ]
