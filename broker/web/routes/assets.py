"""`/ui/static/{asset}`: the stylesheet and scripts vendored in the package."""

from __future__ import annotations

from pathlib import Path

from litestar import Controller, Response, get

from broker.domain.errors import NotFoundError
from broker.http.context import PathName
from broker.http.permissions import open_to_all

STATIC = Path(__file__).parent.parent / "static"
MEDIA_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
# Read once: the assets ship inside the package and never change while the broker runs.
ASSETS = {
    path.name: (path.read_bytes(), MEDIA_TYPES[path.suffix])
    for path in sorted(STATIC.iterdir())
    if path.suffix in MEDIA_TYPES
}


class AssetController(Controller):
    """Static assets, open to all: the sign-in page needs its stylesheet too."""

    path = "/ui/static"

    @get("/{asset:str}", opt=open_to_all())
    async def asset(self, asset: PathName) -> Response[bytes]:
        """One asset by file name; anything else is 404."""
        found = ASSETS.get(asset)
        if found is None:
            raise NotFoundError(f"No asset named {asset!r}")
        content, media_type = found
        return Response(
            content=content,
            media_type=media_type,
            headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
        )
