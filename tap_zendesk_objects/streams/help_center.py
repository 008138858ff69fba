"""The Help Center: categories, sections, articles, and the articles' comments and votes.

Help Center requests spend a budget of their own (Zendesk counts them apart from Support's),
so reading every article's comments costs the Support sync nothing.
"""

from __future__ import annotations

from typing import ClassVar

from tap_zendesk_objects.families import ListStream, SharedListStream, TimeExportStream
from tap_zendesk_objects.per_parent import PerParentStream
from tap_zendesk_objects.rate_buckets import HELP_CENTER_BUCKET
from tap_zendesk_objects.schemas.help_center import (
    HELP_CENTER_ARTICLE_COMMENT_VOTES,
    HELP_CENTER_ARTICLE_COMMENTS,
    HELP_CENTER_ARTICLE_INDEX,
    HELP_CENTER_ARTICLE_VOTES,
    HELP_CENTER_ARTICLES,
    HELP_CENTER_CATEGORIES,
    HELP_CENTER_SECTIONS,
)

GUIDE = (
    "The account has no Help Center (Guide), or these credentials cannot read it "
    "(articles need an agent's or an admin's)."
)


class HelpCenterList(ListStream):
    """A Help Center list, read in full each run, in the Help Center's budget (opt-in)."""

    rate_bucket = HELP_CENTER_BUCKET
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


class HelpCenterArticlesStream(TimeExportStream):
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
    full_first_sync = True  # a knowledge base is read whole, as the lists are
    selected_by_default = False
    plan_gated = True
    plan_requirement = GUIDE


class ArticleIndex(SharedListStream):
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


class ArticleChildren(PerParentStream):
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


class HelpCenterArticleCommentVotesStream(PerParentStream):
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
