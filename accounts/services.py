"""Writes for users, roles and invitations."""

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.country import belongs_to
from accounts.models import (
    MAX_DISCLOSURE_THRESHOLD,
    MIN_DISCLOSURE_THRESHOLD,
    PROGRAMME_ROLE_COUNTRY,
    Country,
    Invitation,
    Municipality,
    ProgrammeMembership,
    ProgrammeRole,
    User,
    WorksiteSupervisor,
    languages_offered_in,
)
from audit.models import ChangeAction
from audit.services import audited_save, change_record, snapshot
from config.errors import ApplicationError

if TYPE_CHECKING:  # the layers above whose rows a role is given in (docs/architecture.md, "Types")
    from placements.models import Worksite
    from programs.models import Programme

_SALT = "fotfeste.invitation"
ROLE_ARBEIDSLEDER = "arbeidsleder"
ROLE_MUNICIPALITY_ADMIN = "municipality_admin"
_USER_FIELDS = ("email", "full_name", "municipality", "is_municipality_admin", "is_active")


def user_invite(
    *,
    invited_by: User,
    email: str,
    full_name: str,
    role: str,
    programme: "Programme | None" = None,
    worksite: "Worksite | None" = None,
) -> Invitation:
    """Create the user with their first role and send them a link to set a password."""
    municipality = invited_by.municipality
    if municipality is None or not invited_by.is_municipality_admin:
        raise ApplicationError(_("Only a municipality admin can invite users."))
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(_("A user with this e-mail address already exists."), field="email")
    _check_role_target(municipality=municipality, role=role, programme=programme, worksite=worksite)
    with transaction.atomic():
        user = User.objects.create_user(
            email,
            full_name=full_name,
            municipality=municipality,
            is_municipality_admin=role == ROLE_MUNICIPALITY_ADMIN,
        )
        change_record(
            actor=invited_by,
            instance=user,
            action=ChangeAction.CREATE,
            after=snapshot(user, _USER_FIELDS),
        )
        role_grant(actor=invited_by, user=user, role=role, programme=programme, worksite=worksite)
        return invitation_create(user=user, invited_by=invited_by)


def _check_role_target(
    *,
    municipality: Municipality,
    role: str,
    programme: "Programme | None",
    worksite: "Worksite | None",
) -> None:
    if not belongs_to(role, municipality.country, PROGRAMME_ROLE_COUNTRY):
        raise ApplicationError(_("Choose a role."), field="role")
    if role in ProgrammeRole.values:
        if programme is None or programme.municipality_id != municipality.pk:
            raise ApplicationError(
                _("Choose one of your municipality's programmes."), field="programme"
            )
    elif role == ROLE_ARBEIDSLEDER:
        if worksite is None or worksite.municipality_id != municipality.pk:
            raise ApplicationError(
                _("Choose one of your municipality's worksites."), field="worksite"
            )
    elif role != ROLE_MUNICIPALITY_ADMIN:
        raise ApplicationError(_("Choose a role."), field="role")


def role_grant(
    *,
    actor: User | None,
    user: User,
    role: str,
    programme: "Programme | None" = None,
    worksite: "Worksite | None" = None,
) -> None:
    """Give ``user`` a role; granting a role they already hold changes nothing."""
    if user.municipality is None:
        raise ApplicationError(_("The user does not belong to a municipality."))
    _check_role_target(
        municipality=user.municipality, role=role, programme=programme, worksite=worksite
    )
    if role in ProgrammeRole.values:
        membership, created = ProgrammeMembership.objects.get_or_create(
            user=user, programme=programme, defaults={"role": role}
        )
        if not created and membership.role != role:
            audited_save(actor=actor, instance=membership, role=role)
        elif created:
            change_record(
                actor=actor,
                instance=membership,
                action=ChangeAction.CREATE,
                after=snapshot(membership, ["user", "programme", "role"]),
            )
    elif role == ROLE_ARBEIDSLEDER:
        supervision, created = WorksiteSupervisor.objects.get_or_create(
            user=user, worksite=worksite
        )
        if created:
            change_record(
                actor=actor,
                instance=supervision,
                action=ChangeAction.CREATE,
                after=snapshot(supervision, ["user", "worksite"]),
            )
    elif not user.is_municipality_admin:
        before = snapshot(user, ["is_municipality_admin"])
        user.is_municipality_admin = True
        user.save(update_fields=["is_municipality_admin"])
        change_record(
            actor=actor,
            instance=user,
            action=ChangeAction.UPDATE,
            before=before,
            after=snapshot(user, ["is_municipality_admin"]),
        )


def role_revoke(
    *,
    actor: User,
    user: User,
    membership_id: int | None = None,
    supervision_id: int | None = None,
    admin: bool = False,
) -> None:
    """Take one role away from ``user``; ids of another user's roles are not found."""
    role: ProgrammeMembership | WorksiteSupervisor | None
    if membership_id is not None:
        role = ProgrammeMembership.objects.filter(user=user, pk=membership_id).first()
        fields = ["user", "programme", "role"]
    elif supervision_id is not None:
        role = WorksiteSupervisor.objects.filter(user=user, pk=supervision_id).first()
        fields = ["user", "worksite"]
    else:
        role = None
    if role is not None:
        with transaction.atomic():
            change_record(
                actor=actor,
                instance=role,
                action=ChangeAction.DELETE,
                before=snapshot(role, fields),
            )
            role.delete()
        return
    if admin and user.is_municipality_admin:
        if user == actor:
            raise ApplicationError(_("You cannot remove your own admin role."))
        _user_update(actor=actor, user=user, is_municipality_admin=False)
        return
    raise ApplicationError(_("The user does not hold that role."))


def user_set_active(*, actor: User, user: User, active: bool) -> None:
    """Deactivated users cannot sign in; their sessions stop working at the next request."""
    if user == actor and not active:
        raise ApplicationError(_("You cannot deactivate yourself."))
    _user_update(actor=actor, user=user, is_active=active)
    if not active:
        Invitation.objects.filter(user=user, accepted_at=None, revoked_at=None).update(
            revoked_at=timezone.now()
        )


def _user_update(*, actor: User, user: User, **values: Any) -> None:
    with transaction.atomic():
        audited_save(actor=actor, instance=user, **values)


def invitation_create(*, user: User, invited_by: User | None) -> Invitation:
    """A new invitation; earlier open invitations of the same user stop working."""
    from accounts.tasks import invitation_send_task  # the task calls this module: not at the top

    now = timezone.now()
    Invitation.objects.filter(user=user, accepted_at=None, revoked_at=None).update(revoked_at=now)
    invitation = Invitation.objects.create(
        user=user,
        invited_by=invited_by,
        nonce=secrets.token_urlsafe(24),
        expires_at=now + timedelta(days=settings.FOTFESTE_INVITATION_DAYS),
    )
    transaction.on_commit(lambda: invitation_send_task.delay(invitation.pk))
    return invitation


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=_SALT, compress=True)


def invitation_from_token(token: str) -> Invitation:
    """The open invitation a link stands for, or an ApplicationError saying why not."""
    invalid = ApplicationError(
        _(
            "This invitation link is not valid. It may have expired or been used already. "
            "Ask your municipality's admin to send a new one."
        )
    )
    try:
        data = signing.loads(
            token, salt=_SALT, max_age=timedelta(days=settings.FOTFESTE_INVITATION_DAYS)
        )
        invitation = Invitation.objects.select_related("user").get(pk=int(data["i"]))
    except (signing.BadSignature, Invitation.DoesNotExist, KeyError, TypeError, ValueError):
        raise invalid from None
    if not secrets.compare_digest(str(data.get("n", "")), invitation.nonce):
        raise invalid
    if not invitation.is_open or not invitation.user.is_active:
        raise invalid
    return invitation


def invitation_send(*, invitation_id: int) -> bool:
    """Send the invitation e-mail once. Safe to run twice: the ``sent_at`` claim lets only one
    run through."""
    claimed = Invitation.objects.filter(
        pk=invitation_id, sent_at=None, accepted_at=None, revoked_at=None
    ).update(sent_at=timezone.now())
    if claimed != 1:
        return False
    invitation = Invitation.objects.select_related("user__municipality").get(pk=invitation_id)
    user = invitation.user
    link = settings.FOTFESTE_SITE_URL.rstrip("/") + reverse(
        "accounts:invitation", kwargs={"token": invitation_token(invitation)}
    )
    try:
        with translation.override(user.language):
            context = {"user": user, "link": link, "expires_at": invitation.expires_at}
            send_mail(
                subject=_("[Fotfeste] You are invited to Fotfeste"),
                message=render_to_string("accounts/email/invitation.txt", context),
                from_email=None,
                recipient_list=[user.email],
            )
    except Exception:
        # Give the claim back so that a retry can send it.
        Invitation.objects.filter(pk=invitation_id).update(sent_at=None)
        raise
    return True


def user_password_set(*, user: User, password: str) -> None:
    """Set a password (reset or change); open invitations stop working from that moment."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        Invitation.objects.filter(user=user, accepted_at=None, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        change_record(
            actor=user,
            instance=user,
            action=ChangeAction.UPDATE,
            before={"password": "***"},
            after={"password": "*** (new)"},
        )


def invitation_accept(*, invitation: Invitation, password: str) -> User:
    user = invitation.user
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), field="new_password1") from exc
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at=None, revoked_at=None
        ).update(accepted_at=timezone.now())
        if claimed != 1:
            raise ApplicationError(_("This invitation has already been used."))
        user.set_password(password)
        user.save(update_fields=["password"])
        change_record(
            actor=user,
            instance=user,
            action=ChangeAction.UPDATE,
            before={"password": None},
            after={"password": "***"},
        )
    return user


def municipality_threshold_set(*, actor: User, threshold: int) -> None:
    """The smallest count of people the municipality's reports show outside Fotfeste: only
    its own admin changes it, within 3 to 20."""
    _check_municipality_admin(actor)
    if not MIN_DISCLOSURE_THRESHOLD <= threshold <= MAX_DISCLOSURE_THRESHOLD:
        raise ApplicationError(
            _("Choose a number from %(low)d to %(high)d.")
            % {"low": MIN_DISCLOSURE_THRESHOLD, "high": MAX_DISCLOSURE_THRESHOLD},
            field="disclosure_threshold",
        )
    _municipality_setting_save(actor, "disclosure_threshold", threshold)


def municipality_language_set(*, actor: User, language: str) -> None:
    """The language of the municipality's users who have not chosen their own: one of its
    country's languages or English (a Norwegian municipality may choose nynorsk)."""
    _check_municipality_admin(actor)
    _check_language_offered(language, municipality=actor.municipality)
    _municipality_setting_save(actor, "language", language)


def _check_municipality_admin(actor: User) -> Municipality:
    """The admin's municipality; anyone else is refused."""
    if not actor.is_municipality_admin or actor.municipality is None:
        raise ApplicationError(_("Only the municipality's admin changes its settings."))
    return actor.municipality


def _municipality_setting_save(actor: User, name: str, value: object) -> None:
    """One setting of the actor's municipality, saved with its change history."""
    municipality = _check_municipality_admin(actor)
    with transaction.atomic():
        before = snapshot(municipality, [name])
        setattr(municipality, name, value)
        municipality.save(update_fields=[name])
        change_record(
            actor=actor,
            instance=municipality,
            action=ChangeAction.UPDATE,
            before=before,
            after=snapshot(municipality, [name]),
        )


def municipality_settings_set(*, actor: User, threshold: int, language: str) -> None:
    """The municipality settings page: both settings are saved, or neither."""
    with transaction.atomic():
        municipality_threshold_set(actor=actor, threshold=threshold)
        municipality_language_set(actor=actor, language=language)


def user_language_set(*, actor: User, language: str) -> None:
    """A user's own language for pages and mail; empty returns them to their municipality's.
    Only their country's languages and English are offered (a Swedish user has no nynorsk)."""
    _check_language_offered(language, municipality=actor.municipality)
    _user_update(actor=actor, user=actor, chosen_language=language)


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


def _check_language_offered(language: str, *, municipality: Municipality | None) -> None:
    offered = languages_offered_in(municipality)
    if not language or language in offered:
        return
    names = ", ".join(language_name(code) for code in offered)
    if municipality is not None and language in dict(settings.LANGUAGES):
        raise ApplicationError(
            _("%(language)s is not offered in %(country)s. Choose one of: %(offered)s.")
            % {
                "language": capfirst(language_name(language)),
                "country": Country(municipality.country).label,
                "offered": names,
            },
            field="language",
        )
    raise ApplicationError(
        _("Choose one of these languages: %(offered)s.") % {"offered": names}, field="language"
    )
