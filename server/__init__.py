"""jijiao: continuing medical education credits (继续医学教育学分管理)."""

import os

# Piccolo finds its engine through this module path; set it before any table
# module is imported so `jijiao` works from any working directory.
os.environ.setdefault("PICCOLO_CONF", "server.piccolo_conf")
