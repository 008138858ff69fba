"""Schemas of the Help Center and the community: lists, articles, posts, comments, votes."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_zendesk_objects.schemas.common import (
    CREATED_UPDATED,
    ID,
    RECEIVED_AT,
    booleans,
    datetimes,
    id_lists,
    integers,
    string_lists,
    strings,
)

_PAGE = [
    *strings("url", "html_url"),
    *CREATED_UPDATED,
    th.Property(
        "help_center_url",
        th.StringType,
        description="The Help Center (brand) the record came from: its base URL.",
    ),
    RECEIVED_AT,
]
_ORDERED = [*strings("name", "description", "locale", "source_locale"), *integers("position")]

HELP_CENTER_CATEGORIES = th.PropertiesList(ID, *_ORDERED, *booleans("outdated"), *_PAGE).to_dict()

HELP_CENTER_SECTIONS = th.PropertiesList(
    ID,
    *_ORDERED,
    *booleans("outdated"),
    *integers("category_id", "parent_section_id", "theme_template_id"),
    *strings("sorting", "theme_template"),
    *_PAGE,
).to_dict()

HELP_CENTER_ARTICLES = th.PropertiesList(
    ID,
    *strings("title", "body", "locale", "source_locale"),
    *integers(
        "author_id",
        "section_id",
        "permission_group_id",
        "user_segment_id",
        "position",
        "vote_count",
        "vote_sum",
    ),
    *id_lists("user_segment_ids"),
    *booleans("draft", "promoted", "comments_disabled", "outdated"),
    *string_lists("label_names", "content_tag_ids", "outdated_locales"),
    *datetimes("edited_at"),
    *_PAGE,
).to_dict()

# What the parents of article comments and votes need of each article (never emitted).
HELP_CENTER_ARTICLE_INDEX = th.PropertiesList(
    ID, *integers("vote_count", "vote_sum"), RECEIVED_AT
).to_dict()

_COMMENT_FIELDS = [
    *integers("author_id", "vote_count", "vote_sum", "non_author_editor_id"),
    *strings("body", "locale"),
    *datetimes("non_author_updated_at"),
]

HELP_CENTER_ARTICLE_COMMENTS = th.PropertiesList(
    ID,
    *integers("article_id", "source_id"),
    *strings("source_type"),
    *_COMMENT_FIELDS,
    *_PAGE,
).to_dict()

# Votes of every kind: `item_type` Article, Comment, Post or PostComment; `value` 1 or -1.
_VOTE_FIELDS = [*integers("item_id", "user_id", "value"), *strings("item_type"), *_PAGE]
HELP_CENTER_ARTICLE_VOTES = th.PropertiesList(ID, *integers("article_id"), *_VOTE_FIELDS).to_dict()
HELP_CENTER_ARTICLE_COMMENT_VOTES = th.PropertiesList(
    ID, *integers("article_id", "comment_id"), *_VOTE_FIELDS
).to_dict()

COMMUNITY_TOPICS = th.PropertiesList(
    ID,
    *strings("name", "description", "manageable_by"),
    *integers("position", "follower_count", "user_segment_id"),
    *_PAGE,
).to_dict()

COMMUNITY_POSTS = th.PropertiesList(
    ID,
    *strings("title", "details", "status"),
    *integers(
        "author_id",
        "topic_id",
        "comment_count",
        "follower_count",
        "vote_count",
        "vote_sum",
        "non_author_editor_id",
    ),
    *booleans("featured", "pinned", "closed"),
    *string_lists("content_tag_ids"),
    *datetimes("non_author_updated_at"),
    *_PAGE,
).to_dict()

COMMUNITY_POST_COMMENTS = th.PropertiesList(
    ID, *integers("post_id"), *booleans("official"), *_COMMENT_FIELDS, *_PAGE
).to_dict()
COMMUNITY_POST_VOTES = th.PropertiesList(ID, *integers("post_id"), *_VOTE_FIELDS).to_dict()
COMMUNITY_POST_COMMENT_VOTES = th.PropertiesList(
    ID, *integers("post_id", "comment_id"), *_VOTE_FIELDS
).to_dict()
