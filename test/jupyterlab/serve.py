"""Serve the JupyterLab build in build/ with Debian's jupyterlab_server and jupyter_server.

Usage: python3 serve.py --port=N --ServerApp.token=T --ServerApp.root_dir=DIR (any ServerApp option)

JupyterLab 4 asks for two endpoints that jupyter_server 2 added and Debian's 1.23 lacks: who the
user is (/api/me) and a websocket of server events (/api/events/subscribe). Without them the page
logs 404s and keeps reopening the websocket, so both are answered here, minimally.
"""

import json
import os
import sys

# Only the options given on the command line count: no config file of the machine's or a user's.
os.environ["JUPYTER_NO_CONFIG"] = "1"

from jupyter_server.base.handlers import APIHandler  # noqa: E402
from jupyter_server.utils import url_path_join  # noqa: E402
from jupyterlab_server import LabServerApp  # noqa: E402
from tornado import web, websocket  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "build")


class MeHandler(APIHandler):
    """One anonymous user who may do everything."""

    @web.authenticated
    def get(self):
        name = "tester"
        identity = {"username": name, "name": name, "display_name": name, "initials": "T",
                    "avatar_url": None, "color": None}
        self.finish(json.dumps({"identity": identity, "permissions": {}}))


class EventsHandler(websocket.WebSocketHandler):
    """An event stream on which nothing is ever sent: this server emits no events."""

    def on_message(self, message):
        pass


class TestLabApp(LabServerApp):
    # jupyter_server finds its extension by module name; run as a script, that is __main__.
    name = __name__
    app_name = "JupyterLab (ts-concurrency-kernel tests)"
    app_version = "4.6"
    default_url = "/lab"
    load_other_extensions = False
    static_dir = BUILD
    templates_dir = os.path.join(HERE, "templates")
    schemas_dir = os.path.join(BUILD, "schemas")
    themes_dir = os.path.join(BUILD, "themes")
    # Settings and workspaces the page saves (the theme, open tabs) go to the run's own folder.
    user_settings_dir = os.path.join(os.environ["JUPYTER_CONFIG_DIR"], "lab-user-settings")
    workspaces_dir = os.path.join(os.environ["JUPYTER_CONFIG_DIR"], "lab-workspaces")
    app_settings_dir = os.path.join(BUILD, "application_settings")

    def initialize_handlers(self):
        super().initialize_handlers()
        base = self.serverapp.web_app.settings["base_url"]
        self.handlers.append((url_path_join(base, "api/me"), MeHandler))
        self.handlers.append((url_path_join(base, "api/events/subscribe"), EventsHandler))


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": TestLabApp}]


if __name__ == "__main__":
    sys.exit(TestLabApp.launch_instance())
