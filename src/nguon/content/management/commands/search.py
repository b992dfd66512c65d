"""``nguon search reindex`` (rewrite the search index from bulletins and campaigns) and
``nguon search query "quyet dinh 614" [--user USERNAME]`` (what a person would find)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nguon.content.selectors import search as selectors
from nguon.content.services import search as services
from nguon.core import access


class Command(BaseCommand):
    help = "Full-text search over bulletins and campaigns: rebuild the index, or try a query."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        reindex = sub.add_parser("reindex", help="Rewrite every search entry from its bulletin or campaign.")
        reindex.add_argument(
            "--rebuild-index",
            action="store_true",
            help="also rebuild the engine's full-text index (SQLite FTS5 rebuild, PostgreSQL REINDEX)",
        )
        reindex.add_argument("--batch-size", type=int, default=500)
        query = sub.add_parser(
            "query", help="Search as a person (default: the system, which sees everything)."
        )
        query.add_argument("text")
        query.add_argument("--user", help="search as this username, with their grants")
        query.add_argument("--kind", choices=list(selectors.KINDS))
        query.add_argument("--status")
        query.add_argument("--limit", type=int, default=20)
        query.add_argument("--like", action="store_true", help="use the plain LIKE scan (for comparison)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "reindex":
            self._reindex(rebuild=options["rebuild_index"], batch_size=options["batch_size"])
        else:
            self._query(**options)

    def _reindex(self, *, rebuild: bool, batch_size: int) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")

        def progress(kind: str, done: int, total: int) -> None:
            self.stdout.write(f"  {kind}: {done:,}/{total:,}")

        result = services.reindex_all(progress=progress, batch_size=batch_size)
        if rebuild:
            services.rebuild_fulltext()
        self.stdout.write(
            self.style.SUCCESS(
                f"Search index up to date: {result.bulletins:,} bulletins, {result.campaigns:,} campaigns, "
                f"{result.removed:,} stale entries removed"
                + ("; full-text index rebuilt." if rebuild else ".")
            )
        )

    def _query(self, **options: Any) -> None:
        user: Any = access.SystemActor("cli:search query")
        if options["user"]:
            from nguon.accounts.models import User

            found = User.objects.filter(username=options["user"]).first()
            if found is None:
                raise CommandError(f"No user named {options['user']!r}.")
            found.is_2fa_verified = True  # an operator on the server acts with the person's full grants
            user = found
        run = selectors.like_search if options["like"] else selectors.search
        try:
            results = run(
                user,
                options["text"],
                kind=options["kind"],
                status=options["status"],
                limit=options["limit"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if not results.tokens:
            raise CommandError("The query has no words to search for.")
        more = "" if results.is_count_exact else "+"
        self.stdout.write(f"{results.count:,}{more} match(es) for: {' '.join(results.tokens)}")
        for entry in results.items:
            score = results.scores.get(entry.pk)
            rank = f"{score:8.3f}" if score is not None else "       -"
            self.stdout.write(
                f"{rank}  {entry.kind}:{entry.object_id}  {entry.dated:%Y-%m-%d}  "
                f"{entry.status:<11} {entry.unit_path:<16} {entry.title}"
            )
