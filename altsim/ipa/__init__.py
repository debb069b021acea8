"""Reading a downloaded IPA the way the client does at install time: the app's and its
extensions' Info.plist and code-signature entitlements, from the zip, with bounded memory."""

from altsim.ipa.archive import DEFAULT_LIMITS, AppArchive, ArchiveLimits, Bundle, read_archive
from altsim.ipa.macho import ArchiveError, read_entitlements

__all__ = ["DEFAULT_LIMITS", "AppArchive", "ArchiveError", "ArchiveLimits", "Bundle",
           "read_archive", "read_entitlements"]
