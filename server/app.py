"""The Litestar application factory. Nothing runs at import time."""

from __future__ import annotations

import gc

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.datastructures import ResponseHeader, State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware

from server import boundary, openapi
from server.controllers.activity_stats import ActivityStatsController
from server.controllers.admin_contacts import AdminContactController
from server.controllers.attendance import CheckinController, SessionController
from server.controllers.auth import AuthController, MeController
from server.controllers.binding import BindingController, MyBindingController
from server.controllers.credits import CreditController
from server.controllers.devices import DeviceController
from server.controllers.notices import NoticeController
from server.controllers.display import DisplayController, DisplayLinkController, SessionDisplayLinkController
from server.controllers.evidence import EvidenceController
from server.controllers.certificates import CertificateController
from server.controllers.compliance import ComplianceController
from server.controllers.classes import ClassController, EnrolmentController
from server.controllers.courses import CourseController
from server.controllers.dishonesty import DishonestyController
from server.controllers.health import health_check
from server.controllers.login_security import LoginSecurityController, TotpController
from server.controllers.organisation import OrganisationController
from server.controllers.archive import ArchiveChangeController, MyArchiveController
from server.controllers.history import HistoryController
from server.controllers.people import PeopleController
from server.controllers.people_excel import PeopleExcelController
from server.controllers.profile import ProfileController
from server.controllers.providers import ProviderController
from server.controllers.projects import ProjectController, ProjectFileController
from server.controllers.pwa import pwa, pwa_root
from server.controllers.rules import CreditRuleController
from server.controllers.reminders import ReminderController, ReminderSettingController
from server.controllers.statistics import ReportController, StatisticsController
from server.controllers.standards import MyStandardController, StandardController
from server.controllers.registration import RecoveryController, RegistrationController, SmsController
from server.controllers.trainings import TrainingController
from server.db import close_engine, configure_engine, open_engine
from server.errors import error_handler
from server.security import SessionAuthMiddleware, provide_principal
from server.services import live
from server.services.sms import gateway_for
from server.settings import Settings, load_settings


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or load_settings()
    from server.piccolo_conf import DB

    # Refuses to build an app that would write SMS codes to a file in production.
    sms_gateway = gateway_for(settings)

    thresholds = gc.get_threshold()

    async def startup(app: Litestar) -> None:
        # The settings in the app's state, not those it was built with: every handler
        # reads them there, so one built app can be pointed at another database
        # (the test suite does, per test: building the routes is ~0.2 s).
        settings = app.state.settings
        configure_engine(DB, settings)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        await open_engine(DB, pool_size=settings.pg_pool_size)
        live.start(database_url=settings.database_url, redis_url=settings.redis_url)
        # The framework's and modules' ~10^5 long-lived objects never become
        # garbage; frozen, a full collection no longer walks them, which was a
        # 60-80 ms pause of the event loop under load (bench/ --instrument).
        gc.collect()
        gc.freeze()
        # Request handling allocates briskly; collecting the young generation
        # every 700 allocations was a steady few percent of a check-in.
        gc.set_threshold(20_000, 20, 20)

    async def shutdown() -> None:
        await live.stop()
        await close_engine(DB)
        # Leave the process as we found it: what this app froze may be collected.
        gc.unfreeze()
        gc.set_threshold(*thresholds)

    # Before the routes are parsed: {x:int} path parameters take ASCII digits only.
    boundary.use_ascii_int_path_parameters()
    security = boundary.security_headers(settings.hsts_seconds)
    app = Litestar(
        route_handlers=[
            health_check,
            AuthController,
            MeController,
            DeviceController,
            NoticeController,
            LoginSecurityController,
            TotpController,
            AdminContactController,
            PeopleController,
            PeopleExcelController,
            MyArchiveController,
            ArchiveChangeController,
            HistoryController,
            OrganisationController,
            TrainingController,
            ProjectController,
            ProjectFileController,
            ActivityStatsController,
            SessionController,
            CheckinController,
            SessionDisplayLinkController,
            DisplayLinkController,
            DisplayController,
            CreditController,
            CreditRuleController,
            EvidenceController,
            CertificateController,
            StandardController,
            MyStandardController,
            ComplianceController,
            SmsController,
            RegistrationController,
            RecoveryController,
            ProfileController,
            MyBindingController,
            BindingController,
            StatisticsController,
            ReportController,
            ReminderController,
            ReminderSettingController,
            ProviderController,
            ClassController,
            EnrolmentController,
            CourseController,
            DishonestyController,
            pwa_root,
            pwa,
        ],
        dependencies={"principal": Provide(provide_principal)},
        middleware=[DefineMiddleware(SessionAuthMiddleware, exclude=["^/api/schema"])],
        exception_handlers={Exception: error_handler(security)},
        on_startup=[startup],
        on_shutdown=[shutdown],
        state=State({"settings": settings, "sms_gateway": sms_gateway}),
        openapi_config=openapi.config(),
        request_class=boundary.StrictRequest,
        before_request=boundary.refuse_nul,
        response_headers=[ResponseHeader(name=k, value=v) for k, v in security.items()],
        # Handlers whose answers are always small opt out (skip_compression):
        # the middleware's per-request work is measurable on the check-in path.
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024, exclude_opt_key="skip_compression"),
        request_max_body_size=12 * 1024 * 1024,
    )
    openapi.document_errors(app)
    return app
