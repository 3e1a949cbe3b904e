"""Piccolo's configuration: the engine every table uses, built from settings."""

from piccolo.conf.apps import AppRegistry

from server.db import make_engine
from server.settings import load_settings

DB = make_engine(load_settings().database_url)

APP_REGISTRY = AppRegistry(apps=["server.piccolo_app"])
