"""Masking personal data for lists and logs (seed 001 shows 320*****65)."""


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 5:
        return "*" * len(value)
    return f"{value[:3]}*****{value[-2:]}"


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}****{value[-4:]}"
