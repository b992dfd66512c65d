"""API schemas shared by every app: the one error shape."""

from ninja import Schema


class ErrorDetail(Schema):
    field: str | None = None
    row: int | None = None
    column: str | None = None
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    details: list[ErrorDetail] | None = None


class ErrorOut(Schema):
    """``{"error": {"code": ..., "message": ..., "details": [...]}}`` — messages in Vietnamese."""

    error: ErrorBody
