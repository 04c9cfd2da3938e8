"""Case import for operators: the same checks and the same commit as the upload pages; with
--province a file for the whole province, routed per regency/city, as the provincial office's
page does."""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import User
from cases import importing
from cases.models import ImportBatch
from pmks_portal import access
from regions.models import Level, Region

SHOWN_PROBLEMS = 20


class Command(BaseCommand):
    help = (
        "Checks a spreadsheet of cases (CSV or XLSX) and reports, saving nothing; with --commit "
        "saves the valid rows in one transaction; --errors OUT.csv writes the rejected rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the CSV or XLSX file")
        parser.add_argument(
            "--user",
            required=True,
            help="username of the regency staff member the import is made as",
        )
        parser.add_argument("--regency", help="regency/city code (default: the user's), e.g. 64.72")
        parser.add_argument(
            "--province",
            action="store_true",
            help="a file for the whole province, its rows routed to their regency/city "
            "(the user: a provincial officer); without --commit it stays checked, to be "
            "saved on the province-wide import page",
        )
        parser.add_argument(
            "--commit",
            action="store_true",
            help="save the valid rows (without it nothing is saved)",
        )
        parser.add_argument(
            "--errors",
            type=Path,
            metavar="OUT.csv",
            help="write the rejected rows, with their reasons, to this CSV file",
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        user = User.objects.filter(username=options["user"]).select_related("regency").first()
        if user is None:
            raise CommandError(_("No user %(name)s.") % {"name": options["user"]})
        if options["province"]:
            if not access.can_import_into(user, None):
                raise CommandError(
                    _("%(user)s may not import for the whole province.") % {"user": user.username}
                )
            self._save(path, user, None, options["errors"], commit=options["commit"])
            return
        regency = self._regency(options["regency"], user)
        if not access.can_write_record(user, regency.code):
            raise CommandError(
                _("%(user)s may not write records of %(regency)s.")
                % {"user": user.username, "regency": regency.name}
            )
        if options["commit"]:
            self._save(path, user, regency, options["errors"], commit=True)
        else:
            self._dry_run(path, regency, options["errors"])

    def _regency(self, code: str | None, user) -> Region:
        if not code:
            if user.regency is None:
                raise CommandError(_("Give --regency: %(user)s has none.") % {"user": user})
            return user.regency
        region = Region.objects.filter(code=code.strip(), level=Level.REGENCY).first()
        if region is None:
            raise CommandError(_("No regency/city with code %(code)s.") % {"code": code})
        return region

    def _dry_run(self, path: Path, regency: Region, errors_path: Path | None) -> None:
        errors_out = None
        if errors_path:
            errors_out = errors_path.open("w", newline="", encoding="utf-8-sig")
        try:
            header, tally = importing.check_file(path, regency=regency, errors_out=errors_out)
        except importing.ImportFileError as error:
            raise CommandError(str(error)) from None
        finally:
            if errors_out is not None:
                errors_out.close()
        self._report(tally.problems, importing.summary_lines(tally), header.ignored)
        if errors_path:
            self.stdout.write(_("Rejected rows written to %(path)s.") % {"path": errors_path})
        self.stdout.write(_("Nothing was saved (add --commit to save the valid rows)."))

    def _save(
        self, path: Path, user, regency: Region | None, errors_path: Path | None, *, commit: bool
    ) -> None:
        with path.open("rb") as handle:
            try:
                batch = importing.import_batch_create(
                    actor=user, regency=regency, upload=File(handle, name=path.name), queue=False
                )
            except importing.ImportFileError as error:
                raise CommandError(str(error)) from None
        batch = importing.import_batch_check(batch.pk)
        if batch.status != ImportBatch.Status.CHECKED:
            raise CommandError(batch.failure)
        if regency is None:
            self._report_parts(batch)
        if not commit:
            self.stdout.write(
                _(
                    "Nothing was saved: the check is province-wide import %(id)s; save it "
                    "there, or run this again with --commit."
                )
                % {"id": batch.pk}
            )
            return
        if batch.valid_rows:
            importing.import_batch_commit_request(
                actor=user, batch=batch, warnings_confirmed=True, queue=False
            )
            batch = importing.import_batch_commit(batch.pk)
        counts = batch.summary.get("counts", {})
        self._report(
            batch.summary.get("problems", []),
            [
                _(
                    "Import %(id)s: %(rows)s rows read, %(saved)s cases saved, "
                    "%(errors)s rows with errors, %(duplicates)s duplicates."
                )
                % {
                    "id": batch.pk,
                    "rows": batch.total_rows,
                    "saved": batch.committed_rows,
                    "errors": batch.error_rows,
                    "duplicates": batch.duplicate_rows,
                },
                _("%(new)s new persons, %(existing)s already registered.")
                % {
                    "new": counts.get("new_persons", 0),
                    "existing": counts.get("existing_persons", 0),
                },
            ],
            batch.summary.get("header", {}).get("ignored", []),
        )
        if errors_path and regency is not None:
            with errors_path.open("w", encoding="utf-8", newline="") as out:
                for line in importing.rejected_csv_lines(batch):
                    out.write(line)
            self.stdout.write(_("Rejected rows written to %(path)s.") % {"path": errors_path})
        if batch.status != ImportBatch.Status.COMMITTED:
            raise CommandError(batch.failure or _("Nothing was saved: no row is valid."))

    def _report_parts(self, batch: ImportBatch) -> None:
        for part in batch.parts.select_related("regency").order_by("regency_id"):
            self.stdout.write(
                _(
                    "%(regency)s: %(rows)s rows, %(valid)s can be saved, %(errors)s with "
                    "errors, %(duplicates)s duplicates."
                )
                % {
                    "regency": part.regency.name,
                    "rows": part.total_rows,
                    "valid": part.valid_rows,
                    "errors": part.error_rows,
                    "duplicates": part.duplicate_rows,
                }
            )
        held = batch.summary.get("held_rows", 0)
        if held:
            self.stdout.write(_("%(n)s rows name no regency/city of the province.") % {"n": held})

    def _report(self, problems: list[dict], lines: list[str], ignored: list[str]) -> None:
        for line in lines:
            self.stdout.write(line)
        if ignored:
            self.stdout.write(_("Columns ignored: %(columns)s") % {"columns": ", ".join(ignored)})
        for problem in problems[:SHOWN_PROBLEMS]:
            reasons = "; ".join(
                f"{reason['column']}: {reason['message']}"
                if reason["column"]
                else reason["message"]
                for reason in problem["reasons"]
            )
            self.stdout.write(
                _("Row %(row)s: %(reasons)s") % {"row": problem["row"], "reasons": reasons}
            )
        if len(problems) > SHOWN_PROBLEMS:
            self.stdout.write(_("... more in the rejected rows (--errors OUT.csv)."))
