"""Mounting the console on the service's application (``api.app.create_app``)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from console import (
    actions,
    approvals,
    audit_page,
    booking_forms,
    career_forms,
    citizens,
    corrections,
    imports_page,
    oidc_provider,
    oidc_signin,
    reports_page,
    signing,
)
from console.sessions import SessionStore
from console.settings import ConsoleSettings, load_console_settings
from console.web import Console

STATIC = Path(__file__).parent / "static"


def mount(app: FastAPI, settings: ConsoleSettings | None = None) -> None:
    settings = settings or load_console_settings()
    sessions = SessionStore(settings.session_dir, settings.idle_minutes * 60)
    app.state.console = Console(settings, sessions)
    app.state.oidc_provider = oidc_provider.configured(settings, app.state.service.settings)
    app.include_router(signing.router)
    app.include_router(oidc_signin.router)
    app.include_router(citizens.router)
    app.include_router(actions.router)
    for router in (
        career_forms.router, booking_forms.router, corrections.router, approvals.router,
        imports_page.router, reports_page.router, audit_page.router,
    ):  # fmt: skip
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="console-static")
