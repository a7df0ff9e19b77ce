"""The participants' vocabularies: gender, language and education levels, NEET and NAV status,
referral sources, exit reasons and destinations, follow-up, note, document, consent and goal
kinds. They follow NAV's and SSB's terms where those exist, so that a municipality's figures
line up with national statistics."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other or not stated")


class LanguageLevel(models.TextChoices):
    """CEFR levels in the municipality's language (Norwegian or Swedish)."""

    NONE = "none", _("No knowledge")
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    NATIVE = "native", _("First language")


class EducationLevel(models.TextChoices):
    """Highest completed level, in SSB's grouping."""

    NONE = "none", _("No completed schooling")
    PRIMARY = "primary", _("Lower secondary school (grunnskole)")
    UPPER_SECONDARY_STARTED = "upper_started", _("Upper secondary started, not completed")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary completed")
    VOCATIONAL = "vocational", _("Trade or journeyman's certificate (fagbrev)")
    HIGHER = "higher", _("Higher education")
    UNKNOWN = "unknown", _("Unknown")


class NeetStatus(models.TextChoices):
    """Status at intake, after SSB's NEET definition (not in employment, education or training)."""

    NEET_SEEKING = "neet_seeking", _("Outside work and education, seeking work")
    NEET_INACTIVE = "neet_inactive", _("Outside work and education, not seeking work")
    PART_TIME_WORK = "part_time", _("In part-time work")
    IN_EDUCATION = "education", _("In education or training")
    UNKNOWN = "unknown", _("Unknown")


class NavInnsatsgruppe(models.TextChoices):
    """NAV's assessment of need for help (Norway only)."""

    NONE = "", _("Not assessed / not relevant")
    STANDARD = "standard", _("Standard effort (standardinnsats)")
    SITUATIONAL = "situational", _("Situational effort (situasjonsbestemt innsats)")
    SPECIAL = "special", _("Specially adapted effort (spesielt tilpasset innsats)")
    PERMANENT = "permanent", _("Permanently adapted effort (varig tilpasset innsats)")


class ReferralSource(models.TextChoices):
    NAV = "nav", _("NAV / Arbetsförmedlingen")
    FOLLOW_UP_SERVICE = "oppfolging", _("Follow-up service (oppfølgingstjenesten)")
    SCHOOL = "school", _("School")
    CHILD_WELFARE = "child_welfare", _("Child welfare")
    SOCIAL_SERVICES = "social_services", _("Social services")
    HEALTH = "health", _("Health services")
    SELF = "self", _("Self-referral")
    FAMILY = "family", _("Family or friends")
    OTHER = "other", _("Other")


class ExitReason(models.TextChoices):
    COMPLETED = "completed", _("Completed the programme")
    GOT_JOB = "job", _("Got a job")
    STARTED_EDUCATION = "education", _("Started education")
    OTHER_MEASURE = "measure", _("Moved to another measure")
    MOVED = "moved", _("Moved away")
    HEALTH = "health", _("Health reasons")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    DECLINED = "declined", _("Did not wish to continue")
    OTHER = "other", _("Other")


class Destination(models.TextChoices):
    """Where the person went, grouped as NAV and SSB report outcomes."""

    WORK_FULL_TIME = "work_full", _("Work, full time")
    WORK_PART_TIME = "work_part", _("Work, part time")
    APPRENTICESHIP = "apprenticeship", _("Apprenticeship or trainee contract")
    EDUCATION = "education", _("Education")
    NAV_MEASURE = "measure", _("A NAV measure / labour-market programme")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class FollowUpStatus(models.TextChoices):
    IN_WORK = "work", _("In work")
    IN_EDUCATION = "education", _("In education")
    IN_MEASURE = "measure", _("In a NAV measure / labour-market programme")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Could not be reached")


class FollowUpSource(models.TextChoices):
    PARTICIPANT = "participant", _("The person themself")
    NAV = "nav", _("NAV / Arbetsförmedlingen")
    EMPLOYER = "employer", _("Employer or school")
    REGISTER = "register", _("Register data")
    OTHER = "other", _("Other")


class NoteKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    PHONE = "phone", _("Phone call")
    HOME_VISIT = "home_visit", _("Home visit")
    NAV_MEETING = "nav_meeting", _("Meeting with NAV / Arbetsförmedlingen")
    OTHER = "other", _("Other")


class DocumentCategory(models.TextChoices):
    CV = "cv", _("CV")
    APPRENTICESHIP_CONTRACT = "laerekontrakt", _("Apprenticeship contract (lærekontrakt)")
    REFERENCE = "attest", _("Reference or certificate (attest)")
    CONSENT = "consent", _("Consent")
    OTHER = "other", _("Other")


class ConsentPurpose(models.TextChoices):
    PROCESSING = "processing", _("Processing in the programme")
    SHARE_NAV = "share_nav", _("Sharing with NAV / Arbetsförmedlingen")
    SHARE_WORKSITE = "share_worksite", _("Sharing with the worksite")
    OTHER = "other", _("Other")


class GoalCategory(models.TextChoices):
    TRADE_CERTIFICATE = "fagbrev", _("Achieve a trade certificate (oppnå fagbrev)")
    WORK = "work", _("Work (arbeid)")
    EDUCATION = "education", _("Education (utdanning)")
    LANGUAGE = "language", _("Language (språk)")
    EVERYDAY = "everyday", _("Everyday life and health")
    OTHER = "other", _("Other")


class GoalStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")
