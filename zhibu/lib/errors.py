"""Domain errors carry Chinese messages naming the field and the rule."""

from django.core.exceptions import ValidationError


def refuse(field: str | None, message: str) -> ValidationError:
    """A ValidationError on one field (or the whole form when field is None)."""
    if field is None:
        return ValidationError(message)
    return ValidationError({field: [message]})
