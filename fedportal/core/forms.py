"""One way a service's ValidationError reaches the user: on the form when there is one, as messages otherwise.

Services validate the rules and raise ValidationError (a dict keyed by field, or plain messages); views never
unpack it themselves.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError


def apply_errors(form: forms.Form, error: ValidationError, *, field: str | None = None) -> None:
    """Show a service's ValidationError on the form: field messages next to their field, the rest on top.

    `field` is where messages without a field go instead (an upload form's file field, say).
    """
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields else field
            for message in ValidationError(errors).messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(field, message)


def run_service(form: forms.Form, call):
    """Call a service (a callable without arguments); on a ValidationError show it on the form and return None."""
    try:
        return call()
    except ValidationError as error:
        apply_errors(form, error)
        return None


def message_errors(request, error: ValidationError) -> None:
    """A service's ValidationError for an action without a form (a button): one error message each."""
    for message in error.messages:
        messages.error(request, message)
