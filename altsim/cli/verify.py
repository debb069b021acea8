"""`altsim verify`: download a source's app archives and check them as the client does before
installing (behaviour.md 10 items 9 and 10), so every install-time failure is found before users
do."""

from __future__ import annotations

import argparse
import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from altsim.cli import options, output
from altsim.cli.errors import UsageError
from altsim.cli.inputs import read_or_report
from altsim.core.check import client_verdict
from altsim.core.install_check import (
    InstallCheck,
    Installer,
    InstallVerdict,
    archive_check,
    download_check,
    download_failed,
    verify_install,
)
from altsim.core.latest import latest_supported
from altsim.core.model import App, Source, Version
from altsim.core.profiles import ClientProfile
from altsim.core.safe_text import printable
from altsim.core.values import OSVersion
from altsim.net.limits import DOWNLOAD_LIMITS, FetchLimits


@dataclass(frozen=True, slots=True)
class Target:
    app: App
    version: Version


@dataclass(frozen=True, slots=True)
class Verified:
    """One version's archive and the client's verdict on it."""

    target: Target
    location: str  # the download URL, or the --ipa file
    size: int | None  # None when the archive could not be had
    sha256: str | None
    verdict: InstallVerdict
    warnings: tuple[str, ...] = ()


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "verify",
        help="download a source's app archives and check them as the client does at install",
        description="Download the IPA of each chosen version in SOURCE and run the checks the "
        "client runs before installing it: bundle ID, version and build, minimum iOS, SHA-256, "
        "and every entitlement and privacy permission against appPermissions; each failure "
        "comes with the client's own text and what to change in the source. By default each "
        "app's version that the device would install is checked. A download that fails, "
        "stalls or runs over a fetch limit is a failed check with a one-line reason (on stderr "
        "as it happens, and in the report). On a terminal, stderr shows each download's "
        "progress. Exit status: 0 every archive would install, 1 one would be refused or could "
        "not be downloaded (or the client rejects the source), 2 SOURCE cannot be read or the "
        "arguments are wrong.",
        epilog="examples:\n"
        "  altsim verify apps.json --app com.example.app --all\n"
        "  altsim verify apps.json --app com.example.app --version 1.2 --ipa build/App.ipa\n"
        "  altsim verify apps.json --stall-timeout 10 --max-time 600 --max-size 2G",
        formatter_class=options.HelpWithExamples,
    )
    parser.add_argument("source", metavar="SOURCE", help="a source file, or an http(s) URL")
    parser.add_argument("--app", metavar="BUNDLE_ID", help="only this app")
    parser.add_argument("--version", dest="app_version", metavar="VERSION",
                        help="only this version (as the source writes it)")
    parser.add_argument("--all", action="store_true",
                        help="every version, not only the one the device would install")
    parser.add_argument("--ipa", metavar="FILE", type=Path,
                        help="check this local archive instead of downloading (needs --app "
                        "unless SOURCE has one app)")
    options.add_client_argument(parser)
    options.add_ios_argument(parser)
    parser.add_argument("--recommended", action="store_true",
                        help="the source is on AltStore's Recommended list, whose apps AltStore "
                        "installs without the permission check")
    parser.add_argument("--format", default="text", choices=("text", "json", "github"),
                        help="text for people, json for tools, github for workflow annotations")
    options.add_date_prefix_argument(parser)
    options.add_fetch_limit_arguments(parser, DOWNLOAD_LIMITS, "download")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from altsim.cli.verify_report import render_github, render_json, render_text

    ios = options.ios_from(args.ios)
    profile = options.profile_from(args)
    if args.ipa is not None and args.all:
        raise UsageError("--ipa checks one archive: give --version instead of --all")
    read = read_or_report(args.source, "verify")
    if read is None:
        return 2
    result = client_verdict(read.body, profile, ios,
                            date_prefix_parse=options.date_prefix_parse(args),
                            source_url=read.url, http_status=read.status)
    source = result.source
    if source is None:
        assert result.rejection is not None
        output.error(f"altsim verify: {profile.title} rejects the source, so it installs "
                     f"nothing from it: {printable(result.rejection.message)} "
                     "(see `altsim check`)")
        return 1
    targets = choose(source, args, ios, profile)
    installer = Installer(profile, ios, source.json_version, args.recommended)
    if args.ipa is not None:
        results = [verify_file(args.ipa, targets[0], installer)]
    else:
        import asyncio  # only to download: `altsim check` starts without it

        limits = options.fetch_limits_from(args, DOWNLOAD_LIMITS)
        results = asyncio.run(verify_downloads(targets, installer, limits))
    if args.format == "json":
        output.write(render_json(args.source, results, profile, ios))
    elif args.format == "github":
        output.write(render_github(args.source, results))
    else:
        output.write(render_text(results, profile, ios, colour=output.colour()))
    return 0 if all(r.verdict.ok for r in results) else 1


def choose(source: Source, args: argparse.Namespace, ios: OSVersion,
           profile: ClientProfile) -> list[Target]:
    """The versions to check: by default, each app's version the device would install (the
    latest supported, behaviour.md 4), else its newest."""
    apps = source.apps
    if args.app is not None:
        apps = [app for app in apps if app.bundle_id == args.app]
        if not apps:
            raise UsageError(f"the source has no app {args.app!r}")
    if args.ipa is not None and len(apps) != 1:
        raise UsageError("--ipa needs --app BUNDLE_ID: the source has several apps")
    targets = []
    for app in apps:
        if args.app_version is not None:
            versions = [v for v in app.versions if v.version == args.app_version][:1]
        elif args.all:
            versions = app.versions
        else:
            latest = latest_supported(app, ios, profile.latest_rule)
            versions = [latest or app.versions[0]] if app.versions else []
        targets += [Target(app, version) for version in versions]
    if not targets:
        wanted = f"version {args.app_version!r}" if args.app_version else "versions"
        raise UsageError(f"no app in the source has {wanted}")
    return targets


def verify_file(path: Path, target: Target, installer: Installer) -> Verified:
    try:
        with path.open("rb") as file:
            digest = hashlib.file_digest(file, "sha256").hexdigest()
            size = file.tell()
            return _verify_archive(target, str(path), file, size, digest, [], installer)
    except OSError as error:
        raise UsageError(f"--ipa {path}: {error.strerror or error}") from None


async def verify_downloads(targets: list[Target], installer: Installer,
                           limits: FetchLimits = DOWNLOAD_LIMITS) -> list[Verified]:
    from altsim.cli.progress import download_progress  # rich: only when downloading
    from altsim.net.download import download_to
    from altsim.net.fetch import FetchError, SourceFetcher

    results = []
    async with SourceFetcher(limits) as fetcher:
        with download_progress(len(targets)) as progress:
            for target in targets:
                url = target.version.download_url
                with tempfile.TemporaryFile(prefix="altsim-") as file:
                    try:
                        got = await download_to(fetcher, url, file,
                                                progress.start(_label(target)))
                    except FetchError as error:
                        output.error(f"altsim verify: {printable(str(error))}")
                        verdict = InstallVerdict(target.app.name, [download_failed(error.reason)])
                        results.append(Verified(target, url, None, None, verdict))
                        continue
                    finally:
                        progress.finish()
                    first = download_check(got.fetched.status, url)
                    if not first.ok:
                        results.append(Verified(target, url, None, None,
                                                InstallVerdict(target.app.name, [first])))
                        continue
                    results.append(_verify_archive(target, url, file, got.size, got.sha256,
                                                   [first], installer, got.fetched.warnings))
    return results


def _label(target: Target) -> str:
    return printable(f"{target.app.bundle_id} {target.version.version}", keep_newlines=False)


def _verify_archive(target: Target, location: str, file: IO[bytes], size: int, sha256: str,
                    before: list[InstallCheck], installer: Installer,
                    warnings: tuple[str, ...] = ()) -> Verified:
    from altsim.ipa import ArchiveError, read_archive

    try:
        archive = read_archive(file)
    except ArchiveError as error:
        verdict = InstallVerdict(target.app.name, [*before, archive_check(str(error))])
    else:
        checked = verify_install(target.app, target.version, archive, sha256=sha256, size=size,
                                 installer=installer)
        verdict = InstallVerdict(checked.app_name, [*before, *checked.checks])
    return Verified(target, location, size, sha256, verdict, warnings)
