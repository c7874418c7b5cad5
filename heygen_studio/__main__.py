"""Start HeyGen Studio: parse arguments, set up logging and the crash dialog, run the Qt + asyncio loop."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import logging
import os
import platform
import signal
import sys

from heygen_studio import __version__
from heygen_studio.config import APP_NAME, APP_SLUG, DESKTOP_ID, ORGANIZATION, app_paths
from heygen_studio.logging_setup import setup_logging

log = logging.getLogger(__name__)

# Subcommands are imported only when asked for, so starting the window imports nothing extra.
SUBCOMMANDS = {
    "sandbox": ("heygen_studio.sandbox.server", "run a local pretend HeyGen for trying the app"),
    "check-photo": ("heygen_studio.cli.check_photo", "check whether a photo will make a good avatar"),
    "render": ("heygen_studio.cli.render", "render a project file with HeyGen (the app's queue)"),
    "quote": ("heygen_studio.cli.quote", "what a project file will cost, and whether the balance covers it"),
    "queue": ("heygen_studio.cli.queue", "list the render jobs, or --wait to carry on with them"),
    "batch": ("heygen_studio.cli.batch", "one video per row of a CSV or Excel sheet, checked and priced first"),
}


def _parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  {name:<13} {help_text}" for name, (_, help_text) in SUBCOMMANDS.items())
    parser = argparse.ArgumentParser(
        prog=APP_SLUG,
        description="Turn a photo into a talking-avatar video with HeyGen.",
        epilog=f"commands (run `{APP_SLUG} COMMAND --help` for their options):\n{commands}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{APP_SLUG} {__version__}")
    parser.add_argument(
        "--sandbox", action="store_true", help="use a local pretend HeyGen: nothing is uploaded, the money is pretend"
    )
    parser.add_argument("--debug", action="store_true", help="write detailed messages to the log")
    return parser


def main(argv: list[str] | None = None) -> int:
    """The `heygen-studio` entry point; returns the process exit status."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in SUBCOMMANDS:
        module = importlib.import_module(SUBCOMMANDS[argv[0]][0])
        status: int = module.main(argv[1:])
        return status
    args = _parser().parse_args(argv)
    return run_gui(sandbox=args.sandbox, debug=args.debug)


def run_gui(*, sandbox: bool, debug: bool) -> int:
    """Show the main window until the user closes it."""
    paths = app_paths().ensure()
    log_file = setup_logging(paths.log_file, logging.DEBUG if debug else logging.INFO)
    log.info("%s %s on Python %s, %s", APP_NAME, __version__, platform.python_version(), platform.platform())

    # The crash reporter goes in first, so even a failure while starting shows a dialog.
    from heygen_studio.ui.crash_reporter import CrashReporter

    reporter = CrashReporter(log_file)
    reporter.install()

    os.environ["QT_API"] = "pyside6"  # qasync picks its Qt binding from this at import time
    import qasync
    from PySide6.QtWidgets import QApplication

    from heygen_studio.app import open_studio
    from heygen_studio.storage.database import NewerDatabaseError
    from heygen_studio.ui.main_thread_gc import MainThreadGarbageCollector
    from heygen_studio.ui.style import app_icon, apply_style

    qt_app = QApplication(sys.argv[:1])
    MainThreadGarbageCollector(qt_app)  # owned by the application: collects on the UI thread until exit
    qt_app.setApplicationName(APP_NAME)
    qt_app.setApplicationDisplayName(APP_NAME)
    qt_app.setOrganizationName(ORGANIZATION)
    qt_app.setApplicationVersion(__version__)
    qt_app.setDesktopFileName(DESKTOP_ID)  # names the window after resources/<id>.desktop (Wayland)
    qt_app.setWindowIcon(app_icon())
    # The app decides when to quit: after the window closed and background work was cancelled.
    qt_app.setQuitOnLastWindowClosed(False)
    apply_style(qt_app)

    try:
        studio = open_studio(paths, sandbox=sandbox)
    except NewerDatabaseError as error:  # the loop has not started: a modal message is fine
        from PySide6.QtWidgets import QMessageBox

        log.error("Not starting: %s", error)
        QMessageBox(QMessageBox.Icon.Critical, APP_NAME, str(error)).exec()
        return 1

    async def amain() -> None:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(reporter.loop_handler)
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
                loop.add_signal_handler(signum, studio.quit)
        await studio.run()

    try:
        qasync.run(amain())
    except Exception as error:  # noqa: BLE001  (whatever ended the app, the user is told before it exits)
        # The loop has ended, so a modal dialog is fine: wait here until the user has read it.
        from heygen_studio.ui.dialogs.error_dialog import CLOSING_ADVICE, STARTUP_ADVICE

        reporter.fatal(error, STARTUP_ADVICE if studio.window is None else CLOSING_ADVICE).exec()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
