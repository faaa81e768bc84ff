"""The revenue codes and GL accounts the workstation knows."""

from __future__ import annotations

from sqlalchemy import select

from cashdesk.domain.catalog import Catalog, revenue_code_from_row
from cashdesk.services.context import ServiceContext
from cashdesk.store.models import GLAccountRow, RevenueCodeRow


class CatalogService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._catalog: Catalog | None = None
        self._accounts: dict[str, str] | None = None

    def catalog(self) -> Catalog:
        """Read once: reference data changes only when it is reloaded (``refresh``)."""
        if self._catalog is None:
            with self.ctx.sessions() as s:
                rows = s.scalars(select(RevenueCodeRow)).all()
                self._catalog = Catalog(
                    revenue_code_from_row(
                        {
                            "code": r.code,
                            "description": r.description,
                            "category": r.category,
                            "pricing": r.pricing,
                            "gl_account": r.gl_account,
                        }
                    )
                    for r in rows
                )
        return self._catalog

    def gl_accounts(self) -> dict[str, str]:
        if self._accounts is None:
            with self.ctx.sessions() as s:
                self._accounts = {r.account: r.description for r in s.scalars(select(GLAccountRow))}
        return self._accounts

    def refresh(self) -> None:
        self._catalog = None
        self._accounts = None
