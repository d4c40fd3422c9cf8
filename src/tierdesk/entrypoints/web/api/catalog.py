"""/api/v1/products: the product catalogue."""

from __future__ import annotations

from fastapi import APIRouter, status

from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate
from tierdesk.entrypoints.web.schemas import ProductCreate, ProductOut
from tierdesk.errors import NotFoundError
from tierdesk.services import catalog
from tierdesk.services.tickets import list_products

router = APIRouter(prefix="/products", tags=["products"])


@router.get("", response_model=Page[ProductOut])
def list_all(desk: DeskDep, _actor: CurrentActor, page: PageQuery) -> Page[ProductOut]:
    """The products tickets can be filed against, with their components and versions."""
    return paginate([ProductOut.model_validate(p) for p in list_products(desk)], page)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ProductOut)
def create(body: ProductCreate, desk: DeskDep, actor: CurrentActor) -> ProductOut:
    """Add a product with its components and versions."""
    product = catalog.create_product(
        desk,
        actor,
        catalog.NewProduct(
            name=body.name,
            key=body.key,
            description=body.description,
            components=body.components,
            versions=[(v, None) for v in body.versions],
        ),
    )
    return ProductOut.model_validate(product)


@router.get("/{product_ref}", response_model=ProductOut)
def get(product_ref: str, desk: DeskDep, _actor: CurrentActor) -> ProductOut:
    """A product by id or key."""
    for product in list_products(desk):
        if product_ref in (str(product.id), product.key):
            return ProductOut.model_validate(product)
    raise NotFoundError(f"product {product_ref!r} not found")
