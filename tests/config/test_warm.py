"""A web process is made ready before its first request (config/warm.py): in a fresh process,
loading the WSGI application has imported the views, read every language's catalogue and
compiled Django's e-mail pattern."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
import config.wsgi
from django.core.validators import EmailValidator
from django.utils.functional import empty
from django.utils.translation import trans_real
print(json.dumps({
    "views": "summerjobs.views.apply" in sys.modules and "web.urls" in sys.modules,
    "languages": sorted(trans_real._translations),
    "email_pattern": EmailValidator.domain_regex._wrapped is not empty,
}))
"""


def test_loading_the_wsgi_application_warms_the_process():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["views"] and found["email_pattern"]
    assert {"nb", "nn", "sv", "en"} <= set(found["languages"])
