"""The stream registry: one class per collection, in a module named after it or its family."""

from __future__ import annotations

from tap_zendesk_objects.streams.activities import ActivitiesStream
from tap_zendesk_objects.streams.audit_logs import AuditLogsStream
from tap_zendesk_objects.streams.community import (
    CommunityPostCommentsStream,
    CommunityPostCommentVotesStream,
    CommunityPostsStream,
    CommunityPostVotesStream,
    CommunityTopicsStream,
)
from tap_zendesk_objects.streams.conversations import (
    ConversationLogStream,
    CsatSurveyResponsesStream,
)
from tap_zendesk_objects.streams.custom_objects import (
    CustomObjectFieldsStream,
    CustomObjectRecordsStream,
    CustomObjectsStream,
)
from tap_zendesk_objects.streams.fields import (
    OrganizationFieldsStream,
    TicketFieldsStream,
    UserFieldsStream,
)
from tap_zendesk_objects.streams.help_center import (
    ArticleIndex,
    HelpCenterArticleCommentsStream,
    HelpCenterArticleCommentVotesStream,
    HelpCenterArticlesStream,
    HelpCenterArticleVotesStream,
    HelpCenterCategoriesStream,
    HelpCenterSectionsStream,
)
from tap_zendesk_objects.streams.people import (
    GroupMembershipsStream,
    GroupsStream,
    OrganizationMembershipsStream,
    OrganizationsStream,
    UserIdentitiesStream,
    UsersStream,
)
from tap_zendesk_objects.streams.rules import (
    AutomationsStream,
    MacrosStream,
    SlaPoliciesStream,
    TriggersStream,
    ViewsStream,
)
from tap_zendesk_objects.streams.satisfaction_ratings import SatisfactionRatingsStream
from tap_zendesk_objects.streams.settings import (
    BrandsStream,
    CustomRolesStream,
    CustomStatusesStream,
    ScheduleHolidaysStream,
    SchedulesStream,
    TagsStream,
)
from tap_zendesk_objects.streams.side_conversations import (
    SideConversationEventsStream,
    SideConversationsStream,
)
from tap_zendesk_objects.streams.ticket_events import (
    AttachmentsStream,
    TicketCommentsStream,
    TicketEventsStream,
)
from tap_zendesk_objects.streams.ticket_forms import TicketFormsStream
from tap_zendesk_objects.streams.ticket_skips import TicketSkipsStream
from tap_zendesk_objects.streams.tickets import (
    TicketMetricEventsStream,
    TicketMetricsStream,
    TicketsStream,
)

STREAM_TYPES = (
    UsersStream,
    GroupsStream,
    TicketsStream,
    TicketFieldsStream,
    ActivitiesStream,
    AttachmentsStream,
    OrganizationsStream,
    TicketEventsStream,
    TicketMetricsStream,
    SatisfactionRatingsStream,
    TicketCommentsStream,
    TicketFormsStream,
    TicketSkipsStream,
    OrganizationMembershipsStream,
    GroupMembershipsStream,
    AuditLogsStream,
    # Beyond Segment's 16, each opt-in.
    TicketMetricEventsStream,
    UserIdentitiesStream,
    BrandsStream,
    SchedulesStream,
    ScheduleHolidaysStream,
    SlaPoliciesStream,
    CustomStatusesStream,
    TagsStream,
    MacrosStream,
    TriggersStream,
    AutomationsStream,
    ViewsStream,
    UserFieldsStream,
    OrganizationFieldsStream,
    CustomRolesStream,
    # Conversations as Zendesk holds them today, each opt-in.
    ConversationLogStream,
    CsatSurveyResponsesStream,
    SideConversationEventsStream,
    SideConversationsStream,
    # The Help Center, the community and custom objects, each opt-in.
    HelpCenterCategoriesStream,
    HelpCenterSectionsStream,
    HelpCenterArticlesStream,
    HelpCenterArticleCommentsStream,
    HelpCenterArticleVotesStream,
    HelpCenterArticleCommentVotesStream,
    CommunityTopicsStream,
    CommunityPostsStream,
    CommunityPostCommentsStream,
    CommunityPostVotesStream,
    CommunityPostCommentVotesStream,
    CustomObjectsStream,
    CustomObjectFieldsStream,
    CustomObjectRecordsStream,
)
# Streams read only for other streams' sake (their parents), never in the catalog.
AUXILIARY_STREAM_TYPES = {ArticleIndex.name: ArticleIndex}

__all__ = ["AUXILIARY_STREAM_TYPES", "STREAM_TYPES"]
