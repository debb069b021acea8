"""Post-decode verification, per app in JSON order, as FetchSourceOperation.verify does
(behaviour.md 1.5).

The block list (#1) needs AltStore's network list and the changed-identifier check (#7) needs a
previously stored source; both belong to the refresh simulation, not to checking a file.
"""

from __future__ import annotations

from collections.abc import Callable

from altsim.core.diagnostics import pointer_join
from altsim.core.model import Source
from altsim.core.profiles import ClientProfile

# report(code, pointer, message for the maintainer, the client's text)
Report = Callable[[str, str, str, str], None]


def verify_source(source: Source, profile: ClientProfile, report: Report,
                  checks: tuple[str, ...] = ("apps", "marketplace")) -> None:
    """Report every failure in the client's order; the client stops at the first."""
    if not profile.source_checks:  # the third-party clients verify nothing (behaviour.md 18)
        return
    name = source.name
    bundle_ids: set[str] = set()
    for app in source.apps:
        if "apps" in checks:
            # 2. Duplicate bundle identifier (case-sensitive)
            if app.bundle_id in bundle_ids:
                report("duplicateBundleID", pointer_join(app.pointer, "bundleIdentifier"),
                       f"bundle identifier {app.bundle_id!r} is used by an earlier app too",
                       f"The source “{name}” contains multiple apps with the bundle identifier "
                       f"{app.bundle_id}.")
            bundle_ids.add(app.bundle_id)
            # 3. Duplicate version, keyed "<version>|<build or nil>"
            version_ids: set[str] = set()
            for version in app.versions:
                version_id = version.version_id
                if version_id in version_ids:
                    report("duplicateVersion", version.pointer,
                           f"version {version.localized_version!r} of {app.bundle_id} is listed "
                           "twice",
                           f"The source “{name}” contains duplicate versions "
                           f"({version.localized_version}) for {app.name} ({app.bundle_id}).")
                version_ids.add(version_id)
            # 4. Privacy permissions need a usage description
            for permission in app.permissions.privacy:
                if not permission.usage_description:
                    report("missingPermissionUsageDescription", permission.pointer,
                           f"privacy permission {permission.name} has no usage description",
                           f"The {profile.privacy_permission_label} '{permission.name}' for "
                           f"{app.name} is missing a usage description.")
            # 5. iPad screenshots need a size
            for shot in app.screenshots:
                if shot.device == "ipad" and shot.width is None:
                    report("missingScreenshotSize", shot.pointer,
                           "iPad screenshots must give both width and height",
                           f"An iPad screenshot for {app.name} does not specify its size: "
                           f"{shot.image_url}")
        # 6. Classic builds refuse notarized apps; the marketplace build requires them
        if "marketplace" in checks:
            brand = profile.brand
            if profile.marketplace_rule == "forbidden" and app.marketplace_id is not None:
                report("marketplaceNotSupported", pointer_join(app.pointer, "marketplaceID"),
                       f"{profile.title} refuses any source with a marketplaceID (notarized "
                       "apps are for AltStore PAL)",
                       f"The source “{name}” contains notarized apps, which are not supported "
                       f"by this version of {brand}.")
            elif profile.marketplace_rule == "required" and app.marketplace_id is None:
                report("marketplaceRequired", app.pointer,
                       f"{profile.title} requires a marketplaceID on every app",
                       f"One or more apps in source “{name}” are missing a marketplaceID. This "
                       "most likely means they are not notarized, which is not supported by "
                       f"this version of {brand}.")
