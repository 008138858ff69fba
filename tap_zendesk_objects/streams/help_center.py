"""The Help Center: categories, sections, articles, and the articles' comments and votes.

Help Center requests spend a budget of their own (Zendesk counts them apart from Support's),
so reading every article's comments costs the Support sync nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from tap_zendesk_objects.http.rate_buckets import HELP_CENTER_BUCKET
from tap_zendesk_objects.schemas.help_center import (
    HELP_CENTER_ARTICLE_COMMENT_VOTES,
    HELP_CENTER_ARTICLE_COMMENTS,
    HELP_CENTER_ARTICLE_INDEX,
    HELP_CENTER_ARTICLE_VOTES,
    HELP_CENTER_ARTICLES,
    HELP_CENTER_CATEGORIES,
    HELP_CENTER_SECTIONS,
)
from tap_zendesk_objects.streams.families import ListStream, SharedListStream, TimeExportStream
from tap_zendesk_objects.streams.per_parent import PerParentStream

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

# The column (and context key) naming the Help Center a record came from.
HOST_KEY = "help_center_url"
GUIDE = (
    "The account has no Help Center (Guide), or these credentials cannot read it "
    "(articles need an agent's or an admin's)."
)


class BrandHelpCenters:
    """Mixin of the Help Center and community streams: the default brand's, and others'.

    With `help_center_brand_urls` set, each stream reads every Help Center in turn (one
    partition each: bookmarks and vote signals kept apart); every record carries the
    `help_center_url` it came from.
    """

    url_base: str
    config: Mapping[str, Any]
    schema_key_set: frozenset[str]

    def help_center_urls(self) -> list[str]:
        """The default brand's base URL, then the other brands' configured."""
        others = [url.rstrip("/") for url in self.config.get("help_center_brand_urls") or []]
        return [self.url_base, *others]

    @property
    def partitions(self) -> list[dict] | None:
        """One read per Help Center when other brands' are configured; else the SDK's one."""
        urls = self.help_center_urls()
        return [{HOST_KEY: url} for url in urls] if len(urls) > 1 else None

    def get_url(self, context: Context | None) -> str:
        """The path on the Help Center the context names (the default brand's otherwise)."""
        url: str = super().get_url(context)  # type: ignore[misc]  # a mixin: the stream class it joins has it
        base = (context or {}).get(HOST_KEY)
        return base + url[len(self.url_base) :] if base else url

    def shared_key(self, context: Context | None) -> str:
        """Rows read for one Help Center are kept apart from another's."""
        key: str = super().shared_key(context)  # type: ignore[misc]  # a mixin: the stream class it joins has it
        return f"{key}@{(context or {}).get(HOST_KEY) or self.url_base}"

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        """Each record with the Help Center it came from."""
        url = (context or {}).get(HOST_KEY) or self.url_base
        stamp = HOST_KEY in self.schema_key_set
        for record in super().get_records(context):  # type: ignore[misc]  # a mixin: the stream class it joins has it
            if stamp:
                record[HOST_KEY] = url
            yield record


class HelpCenterList(BrandHelpCenters, ListStream):
    """A Help Center list, read in full each run, in the Help Center's budget (opt-in).

    Read for several Help Centers, no one read is the whole table: no ACTIVATE_VERSION then.
    """

    rate_bucket = HELP_CENTER_BUCKET

    @property
    def activates_versions(self) -> bool:
        """Only when one Help Center is read (see the class docstring)."""
        return self.partitions is None and super().activates_versions

    selected_by_default = False
    plan_gated = True
    plan_requirement = GUIDE


class HelpCenterCategoriesStream(HelpCenterList):
    """Help Center categories."""

    name = "help_center_categories"
    path = "/api/v2/help_center/categories"
    records_key = "categories"
    schema = HELP_CENTER_CATEGORIES


class HelpCenterSectionsStream(HelpCenterList):
    """Help Center sections."""

    name = "help_center_sections"
    path = "/api/v2/help_center/sections"
    records_key = "sections"
    schema = HELP_CENTER_SECTIONS


class HelpCenterArticlesStream(BrandHelpCenters, TimeExportStream):
    """Articles whose metadata changed, from the incremental article export.

    Time-based: each page's `end_time` is the next `start_time`; the export documents no
    end-of-stream flag, so it ends on an empty page or an `end_time` that does not move.
    """

    name = "help_center_articles"
    path = "/api/v2/help_center/incremental/articles"
    records_key = "articles"
    replication_key = "updated_at"
    export_time_field = "updated_at"
    schema = HELP_CENTER_ARTICLES
    rate_bucket = HELP_CENTER_BUCKET
    admins_only = False  # agents may read it too
    full_first_sync = True  # a knowledge base is read whole, as the lists are
    selected_by_default = False
    plan_gated = True
    plan_requirement = GUIDE


class ArticleIndex(BrandHelpCenters, SharedListStream):
    """Every article, with its vote count and sum: the parents of comments and votes.

    The incremental export returns only the articles whose metadata changed, and Zendesk does
    not say whether a vote or a comment changes it: the children are asked of every article
    (one list request per 100). Not a collection of its own: never in the catalog.
    """

    name = "help_center_article_index"
    path = "/api/v2/help_center/articles"
    records_key = "articles"
    schema = HELP_CENTER_ARTICLE_INDEX
    rate_bucket = HELP_CENTER_BUCKET
    plan_gated = True
    plan_requirement = GUIDE


class ArticleChildren(BrandHelpCenters, PerParentStream):
    """Children of every article, in the Help Center's budget."""

    parent_source = "help_center_article_index"
    parent_keys: ClassVar[dict[str, str]] = {"article_id": "id"}
    rate_bucket = HELP_CENTER_BUCKET
    plan_requirement = GUIDE


class HelpCenterArticleCommentsStream(ArticleChildren):
    """Every article's comments, each run (no signal says which articles' comments changed)."""

    name = "help_center_article_comments"
    path = "/api/v2/help_center/articles/{article_id}/comments"
    records_key = "comments"
    schema = HELP_CENTER_ARTICLE_COMMENTS


class HelpCenterArticleVotesStream(ArticleChildren):
    """The votes of the articles whose vote count or sum changed since they were last read."""

    name = "help_center_article_votes"
    path = "/api/v2/help_center/articles/{article_id}/votes"
    records_key = "votes"
    schema = HELP_CENTER_ARTICLE_VOTES
    signal_keys = ("vote_count", "vote_sum")


class HelpCenterArticleCommentVotesStream(BrandHelpCenters, PerParentStream):
    """The votes of the article comments whose vote count or sum changed."""

    name = "help_center_article_comment_votes"
    path = "/api/v2/help_center/articles/{article_id}/comments/{comment_id}/votes"
    records_key = "votes"
    schema = HELP_CENTER_ARTICLE_COMMENT_VOTES
    parent_source = "help_center_article_comments"
    parent_keys: ClassVar[dict[str, str]] = {"article_id": "article_id", "comment_id": "id"}
    signal_keys = ("vote_count", "vote_sum")
    rate_bucket = HELP_CENTER_BUCKET
    plan_requirement = GUIDE
