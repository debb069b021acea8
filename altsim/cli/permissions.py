"""`altsim permissions`: what a source must say about an IPA, ready to paste into its entry."""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path
from typing import Any

from altsim.cli import output
from altsim.cli.options import HelpWithExamples
from altsim.core.install_check import (
    MISSING_DESCRIPTION,
    archive_name,
    archive_version,
    permissions_block,
)
from altsim.core.safe_text import printable


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "permissions",
        help="print the appPermissions (and version fields) a source must give for an IPA",
        description="Read IPA as the client does at install time and print, as JSON to paste "
        "into the app's entry in a source, the appPermissions object that declares every "
        "entitlement and privacy permission of the app and its extensions (the ones the client "
        "exempts left out), with the version entry's version, buildVersion, size, sha256 and "
        "minOSVersion. Exit status: 0 done, 2 the IPA cannot be read.",
        epilog="example:\n"
        "  altsim permissions Delta.ipa",
        formatter_class=HelpWithExamples,
    )
    parser.add_argument("ipa", metavar="IPA", type=Path, help="the app archive (.ipa)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from altsim.ipa import ArchiveError, read_archive

    try:
        with args.ipa.open("rb") as file:
            sha256 = hashlib.file_digest(file, "sha256").hexdigest()
            size = file.tell()
            archive = read_archive(file)
    except OSError as error:
        output.error(f"altsim permissions: cannot read {args.ipa}: {error.strerror or error}")
        return 2
    except ArchiveError as error:
        output.error(f"altsim permissions: {printable(str(error), keep_newlines=False)}")
        return 2
    info = archive.app.info
    block = permissions_block(archive)
    document = {"bundleIdentifier": info.get("CFBundleIdentifier"),
                "version": archive_version(info),
                "buildVersion": info.get("CFBundleVersion"), "size": size, "sha256": sha256,
                "minOSVersion": info.get("MinimumOSVersion"), "appPermissions": block}
    privacy = block["privacy"]
    assert isinstance(privacy, dict)
    for key, text in privacy.items():
        if text == MISSING_DESCRIPTION:
            output.error(f"altsim permissions: {printable(archive_name(archive))} declares "
                         f"{printable(key)} without a usage description; write one in its "
                         "place: the client rejects a source whose privacy permission has "
                         "none")
    output.write_json(document, indent=2)
    return 0
