"""lde frameworks validate|load|list|export|import-oscal"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lde.frameworks.document import DocumentInvalid, parse_framework
from lde.frameworks.exchange import framework_version_yaml
from lde.frameworks.models import FrameworkVersion
from lde.frameworks.oscal import framework_version_oscal_json
from lde.frameworks.services import (
    framework_import_oscal,
    framework_load_file,
    frameworks_load_shipped,
    mapping_load,
)


class Command(BaseCommand):
    help = "Validate, load, list and export frameworks (see docs/how-to/write-a-framework.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        validate = sub.add_parser("validate", help="Check framework files; change nothing.")
        validate.add_argument("files", nargs="+", type=Path)
        load = sub.add_parser("load", help="Check and load framework files.")
        load.add_argument("files", nargs="*", type=Path)
        load.add_argument(
            "--mapping",
            action="append",
            type=Path,
            default=[],
            help="A version mapping file to load after the frameworks.",
        )
        load.add_argument(
            "--shipped", action="store_true", help="Load every framework shipped with the platform."
        )
        sub.add_parser("list", help="List loaded frameworks and versions.")
        export = sub.add_parser(
            "export", help="Write a loaded version out as YAML or as an OSCAL catalog (JSON)."
        )
        export.add_argument("identifier")
        export.add_argument("version")
        export.add_argument(
            "--format", dest="output_format", choices=("yaml", "oscal"), default="yaml"
        )
        export.add_argument("--output", "-o", type=Path)
        import_oscal = sub.add_parser(
            "import-oscal", help="Check and load a framework version from an OSCAL catalog."
        )
        import_oscal.add_argument("file", type=Path)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"_{action.replace('-', '_')}")(**options)

    def _fail(self, error: DocumentInvalid) -> None:
        for problem in error.problems:
            self.stderr.write(str(problem))
        raise CommandError(f"{len(error.problems)} problem(s): nothing was loaded.")

    def _validate(self, files: list[Path], **options: Any) -> None:
        problems = []
        for path in files:
            try:
                document = parse_framework(path.read_text(encoding="utf-8"), path.name)
            except DocumentInvalid as error:
                problems += error.problems
            except OSError as error:
                raise CommandError(f"{path}: {error.strerror}") from error
            else:
                self.stdout.write(
                    f"{path.name}: valid ({document['identifier']} {document['version']})"
                )
        if problems:
            self._fail(DocumentInvalid(problems))

    def _load(self, files: list[Path], mapping: list[Path], shipped: bool, **options: Any) -> None:
        try:
            if shipped:
                for result in frameworks_load_shipped():
                    self._report(result.version, result.created)
            for path in files:
                result = framework_load_file(actor=None, path=path)
                self._report(result.version, result.created)
            for path in mapping:
                loaded = mapping_load(
                    actor=None, text=path.read_text(encoding="utf-8"), file_name=path.name
                )
                self.stdout.write(f"Loaded mapping {loaded}")
        except DocumentInvalid as error:
            self._fail(error)
        except OSError as error:
            raise CommandError(str(error)) from error

    def _report(self, version: FrameworkVersion, created: bool) -> None:
        state = "loaded" if created else "already loaded, unchanged"
        self.stdout.write(f"{version.framework.identifier} {version.version}: {state}")

    def _list(self, **options: Any) -> None:
        for version in FrameworkVersion.objects.select_related("framework").order_by(
            "framework__identifier", "created_at"
        ):
            count = version.criteria.filter(kind="criterion").count()
            self.stdout.write(
                f"{version.framework.identifier:<40} {version.version:<8} "
                f"{version.status:<11} {count:>4} criteria  {version.title}"
            )

    def _import_oscal(self, file: Path, **options: Any) -> None:
        try:
            result = framework_import_oscal(
                actor=None, text=file.read_text(encoding="utf-8"), file_name=file.name
            )
        except DocumentInvalid as error:
            self._fail(error)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: {error}") from error
        else:
            self._report(result.version, result.created)

    def _export(
        self,
        identifier: str,
        version: str,
        output: Path | None,
        output_format: str = "yaml",
        **options: Any,
    ) -> None:
        found = FrameworkVersion.objects.filter(
            framework__identifier=identifier, version=version
        ).first()
        if found is None:
            raise CommandError(f"No version {version} of '{identifier}' is loaded.")
        if output_format == "oscal":
            text = framework_version_oscal_json(found)
        else:
            text = framework_version_yaml(found)
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")
            self.stdout.write(f"Written to {output}")
