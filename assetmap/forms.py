"""Form helpers every app's pages share."""

from django.core.exceptions import ValidationError


class NoColonMixin:
    """Labels without the trailing colon Django adds by default (GOV.UK style)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def show_service_errors(form, error: ValidationError, also: tuple[str, ...] = ()) -> None:
    """Show a service's refusal on the form: beside its field where the form has it (or
    it is one of `also`, names the form reports errors under), at the top otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_errors in error.error_dict.items():
        form.add_error(field if field in form.fields or field in also else None, field_errors)
