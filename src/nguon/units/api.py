"""API of administrative units and organisations."""

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from nguon.core import access
from nguon.core.schemas import ErrorOut
from nguon.units import residential_import, selectors, services
from nguon.units.models import AdministrativeUnit, Organisation

router = Router(tags=["units"])


class UnitOut(Schema):
    code: str
    name: str
    full_name: str
    kind: str
    level: str
    province_code: str
    is_current: bool
    path: str
    parent_code: str | None
    latitude: Decimal | None
    longitude: Decimal | None

    @staticmethod
    def resolve_parent_code(obj: AdministrativeUnit) -> str | None:
        return obj.parent.code if obj.parent_id and obj.parent else None


class UnitDetailOut(UnitOut):
    successors: list[str]
    predecessors: list[str]


class ResidentialIn(Schema):
    code: str
    name: str
    kind: str


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int


class OrganisationOut(Schema):
    code: str
    kind: str
    name: str
    short_name: str
    unit_code: str
    is_active: bool
    successor_code: str | None

    @staticmethod
    def resolve_unit_code(obj: Organisation) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_successor_code(obj: Organisation) -> str | None:
        return obj.successor.code if obj.successor else None


def _visible(request: HttpRequest, path: str) -> AdministrativeUnit:
    unit = selectors.visible_units(user=request.user).select_related("parent").filter(path=path).first()
    if unit is None:
        raise Http404
    return unit


def _commune(request: HttpRequest, code: str) -> AdministrativeUnit:
    unit = (
        selectors.visible_units(user=request.user).filter(level="commune", is_current=True, code=code).first()
    )
    if unit is None:
        raise Http404
    return unit


@router.get("/search", response=list[UnitOut], summary="Find units by code or name (diacritics optional)")
def search(request: HttpRequest, q: str, historical: bool = True) -> Any:
    if not access.has_action(request.user, access.UNITS_VIEW):
        raise Http404
    return selectors.search_units(query=q, include_historical=historical)


@router.get(
    "/provinces/{code}/communes", response=list[UnitOut], summary="Current communes and wards of a province"
)
def communes(request: HttpRequest, code: str) -> Any:
    if not access.has_action(request.user, access.UNITS_VIEW):
        raise Http404
    units = selectors.list_communes(province_code=code).select_related("parent")
    if not units.exists():
        raise Http404
    return units


@router.get(
    "/by-path/{path:path}", response=UnitDetailOut, summary="One unit by its tree path, e.g. 19/05569/"
)
def detail(request: HttpRequest, path: str) -> Any:
    unit = _visible(request, path if path.endswith("/") else path + "/")
    unit.successors = [u.code for u in selectors.list_successors(unit=unit)]  # type: ignore[attr-defined]
    unit.predecessors = [u.full_name for u in selectors.list_predecessors(unit=unit)]  # type: ignore[attr-defined]
    return unit


@router.get("/communes/{code}/residential", response=list[UnitOut], summary="Residential units of a commune")
def residential(request: HttpRequest, code: str) -> Any:
    commune = _commune(request, code)
    return selectors.visible_units(user=request.user).filter(parent=commune).select_related("parent")


@router.put("/communes/{code}/residential", response=UnitOut, summary="Create or update a residential unit")
def put_residential(request: HttpRequest, code: str, payload: ResidentialIn) -> Any:
    commune = _commune(request, code)
    return services.save_residential_unit(
        actor=request.user, commune=commune, local_code=payload.code, name=payload.name, kind=payload.kind
    )


@router.post(
    "/communes/{code}/residential/import",
    response={200: ImportOut, 422: ErrorOut},
    summary="Import residential units from CSV/XLSX: all rows or none",
)
def import_residential(request: HttpRequest, code: str, file: File[UploadedFile]) -> Any:
    commune = _commune(request, code)
    try:
        result = services.import_residential_units(actor=request.user, commune=commune, content=file.read())
    except residential_import.FileRejectedError as error:
        return Status(422, {"error": {"code": "file_rejected", "message": str(error)}})
    if not result.ok:
        return Status(
            422,
            {
                "error": {
                    "code": "rows_invalid",
                    "message": f"{len(result.errors)} lỗi; không dòng nào được nhập.",
                    "details": [
                        {"row": e.row, "column": e.column, "message": e.message} for e in result.errors
                    ],
                }
            },
        )
    return Status(200, ImportOut(created=result.created, updated=result.updated, unchanged=result.unchanged))


@router.get("/organisations", response=list[OrganisationOut], summary="Organisations visible to me")
def organisations(request: HttpRequest) -> Any:
    return selectors.list_organisations(
        queryset=access.scope(request.user, Organisation.objects.all(), access.ORGANISATIONS_VIEW)
    )
