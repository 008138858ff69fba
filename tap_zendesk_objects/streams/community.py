"""The community: topics, posts, and the posts' comments and votes (Help Center's budget)."""

from __future__ import annotations

from typing import ClassVar

from tap_zendesk_objects.http.rate_buckets import HELP_CENTER_BUCKET
from tap_zendesk_objects.schemas.help_center import (
    COMMUNITY_POST_COMMENT_VOTES,
    COMMUNITY_POST_COMMENTS,
    COMMUNITY_POST_VOTES,
    COMMUNITY_POSTS,
    COMMUNITY_TOPICS,
)
from tap_zendesk_objects.streams.families import SharedListStream
from tap_zendesk_objects.streams.help_center import BrandHelpCenters, HelpCenterList
from tap_zendesk_objects.streams.per_parent import PerParentStream

COMMUNITY = "The account has no community (Gather), or these credentials cannot read it."


class CommunityTopicsStream(HelpCenterList):
    """Community topics, read in full each run."""

    name = "community_topics"
    path = "/api/v2/community/topics"
    records_key = "topics"
    schema = COMMUNITY_TOPICS
    plan_requirement = COMMUNITY


class CommunityPostsStream(HelpCenterList, SharedListStream):
    """Community posts, read in full each run: also the parents of their comments and votes."""

    name = "community_posts"
    path = "/api/v2/community/posts"
    records_key = "posts"
    schema = COMMUNITY_POSTS
    plan_requirement = COMMUNITY


class PostChildren(BrandHelpCenters, PerParentStream):
    """Children of every post, in the Help Center's budget."""

    parent_source = "community_posts"
    parent_keys: ClassVar[dict[str, str]] = {"post_id": "id"}
    rate_bucket = HELP_CENTER_BUCKET
    plan_requirement = COMMUNITY


class CommunityPostCommentsStream(PostChildren):
    """Every post's comments, each run (an edited comment changes nothing on its post)."""

    name = "community_post_comments"
    path = "/api/v2/community/posts/{post_id}/comments"
    records_key = "comments"
    schema = COMMUNITY_POST_COMMENTS


class CommunityPostVotesStream(PostChildren):
    """The votes of the posts whose vote count or sum changed since they were last read."""

    name = "community_post_votes"
    path = "/api/v2/community/posts/{post_id}/votes"
    records_key = "votes"
    schema = COMMUNITY_POST_VOTES
    signal_keys = ("vote_count", "vote_sum")


class CommunityPostCommentVotesStream(BrandHelpCenters, PerParentStream):
    """The votes of the post comments whose vote count or sum changed."""

    name = "community_post_comment_votes"
    path = "/api/v2/community/posts/{post_id}/comments/{comment_id}/votes"
    records_key = "votes"
    schema = COMMUNITY_POST_COMMENT_VOTES
    parent_source = "community_post_comments"
    parent_keys: ClassVar[dict[str, str]] = {"post_id": "post_id", "comment_id": "id"}
    signal_keys = ("vote_count", "vote_sum")
    rate_bucket = HELP_CENTER_BUCKET
    plan_requirement = COMMUNITY
