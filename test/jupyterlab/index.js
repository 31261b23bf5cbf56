/**
 * The JupyterLab application: the extensions listed in package.json, registered and started.
 * `window.jupyterapp` is how the tests drive it (commands, the shell, the service manager).
 */
import { JupyterLab } from "@jupyterlab/application";
import { PageConfig } from "@jupyterlab/coreutils";

// Lazily loaded chunks and CSS assets are fetched from where the server serves build/.
// eslint-disable-next-line no-undef
__webpack_public_path__ = PageConfig.getOption("fullStaticUrl") + "/";

const styles = import("./build/style.js");

/** Both module shapes occur among the extension packages: ES default exports and CommonJS. */
function pluginsOf(module) {
  const exported = Object.prototype.hasOwnProperty.call(module, "__esModule") ? module.default : module;
  return Array.isArray(exported) ? exported : [exported];
}

/**
 * Left out: the language-server plugins, which need a jupyter-lsp server extension this server
 * lacks, and the news announcements, which would ask (in a pop-up) to fetch news from the network.
 */
const UNWANTED = [":language-server", "@jupyterlab/apputils-extension:announcements"];

function wanted({ id }) {
  return !UNWANTED.some((part) => id.includes(part));
}

window.addEventListener("load", async () => {
  await styles;
  const extensions = await Promise.all([
    import("@jupyterlab/application-extension"),
    import("@jupyterlab/apputils-extension"),
    import("@jupyterlab/codemirror-extension"),
    import("@jupyterlab/completer-extension"),
    import("@jupyterlab/docmanager-extension"),
    import("@jupyterlab/filebrowser-extension"),
    import("@jupyterlab/inspector-extension"),
    import("@jupyterlab/mainmenu-extension"),
    import("@jupyterlab/notebook-extension"),
    import("@jupyterlab/rendermime-extension"),
    import("@jupyterlab/shortcuts-extension"),
    import("@jupyterlab/theme-dark-extension"),
    import("@jupyterlab/theme-light-extension"),
    import("@jupyterlab/tooltip-extension"),
    import("@jupyterlab/translation-extension"),
    import("@jupyterlab/ui-components-extension"),
  ]);
  const lab = new JupyterLab();
  lab.registerPlugins(extensions.flatMap(pluginsOf).filter(wanted));
  window.jupyterapp = lab;
  await lab.start();
  await lab.restored;
  document.body.dataset.labRestored = "true";
});
