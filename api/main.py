"""The /api/v1/ instance: its authentication, error shapes, routers and documentation page.

Built on django-ninja (README, "Dependencies"): its OpenAPI 3 schema comes from the same
pydantic types that validate the input, and its Swagger UI is served from the portal's own
static files (no CDN).
"""

from ninja import NinjaAPI, Swagger

from api import errors
from api.auth import AUTH
from api.routes import cases, kube, rakornis, reference, reports
from pmks_portal import converters  # noqa: F401 - registers {id:pk}, bounded to the id column


class PortalAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """The framework copies a query field's pydantic `examples` (a list) onto its parameter,
        where OpenAPI 3 wants a map: the parameter gets the first as its `example` instead."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for item in schema["paths"].values():
            for operation in item.values():
                for parameter in operation.get("parameters", ()):
                    if isinstance(parameter.get("examples"), list):
                        parameter["example"] = parameter.pop("examples")[0]
        return schema


api = PortalAPI(
    title="Portal PMKS Kalimantan Timur API",
    version="1",
    # For the developers of calling systems; the operations' messages follow Accept-Language.
    description=(
        "Persons and PMKS cases, KUBE, Rakornis follow-ups, aggregates and reports of the "
        "social-welfare office of Kalimantan Timur. Authenticate with `Authorization: Bearer "
        "<token>` (an API client) or a signed-in session (CSRF token required on unsafe "
        "methods). Identifiers are masked as on the portal's pages. Errors: "
        '`{"detail": text, "errors": {field: [messages]}}`.'
    ),
    urls_namespace="api",
    openapi_url="/schema/",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs/",
    auth=AUTH,
)
errors.install(api)
api.add_router("", cases.router)
api.add_router("", reference.router)
api.add_router("", reports.router)
api.add_router("", kube.router)
api.add_router("", rakornis.router)
