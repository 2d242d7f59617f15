"""The one notification mechanism: in-portal messages, and email through SMTP when configured."""
import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, g, has_request_context, request

from . import clock
from .models import Notification, User

log = logging.getLogger(__name__)


def notify(users, title, body="", url="", kind="info"):
    """Leave a message for each user (inside the caller's transaction); emailed after the request."""
    created = []
    for user in {u.id: u for u in users if u is not None and u.active}.values():
        created.append(Notification.create(user=user, kind=kind, title=title[:200], body=body, url=url[:255]))
    if created and has_request_context():
        g.setdefault("notifications_to_mail", []).extend(n.id for n in created)
    return created


def settle(url, user=None):
    """Mark the unread messages about a record (its page's URL) read, for everyone or one user: called
    when the record's work is done, so old messages about closed work leave the unread count."""
    if not url:
        return 0
    query = Notification.update(read_at=clock.now()).where(Notification.url == url[:255], Notification.read_at.is_null())
    if user is not None:
        query = query.where(Notification.user == user.id)
    return query.execute()


def titled(label, title):
    """"督查整改：…" under the label 督查整改 stays as it is; another title gets the label in front."""
    return title if title.startswith(f"{label}：") else f"{label}：{title}"


def unread_count(user):
    return Notification.visible_to(user).where(Notification.read_at.is_null()).count()


def mark_read(user, notification_id=None):
    query = Notification.update(read_at=clock.now()).where(Notification.user == user.id, Notification.read_at.is_null())
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    return query.execute()


def mail_enabled():
    return bool(current_app.config.get("MAIL_SERVER"))


def send_mail(to, subject, text):
    """Send one plain-text email; raises on SMTP failure (callers decide how to report it)."""
    cfg = current_app.config
    message = EmailMessage()
    message["From"] = cfg["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"]) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(message)


def absolute(url):
    base = current_app.config.get("PORTAL_BASE_URL") or (request.host_url.rstrip("/") if has_request_context() else "")
    return base + url if url.startswith("/") else url


def mail_notifications(ids):
    """Email the given notifications to users who have an address; failures are logged, never lost."""
    if not ids or not mail_enabled():
        return 0
    sent = 0
    query = (Notification.select(Notification, User).join(User)
             .where(Notification.id.in_(ids), Notification.emailed_at.is_null(), User.email != ""))
    for n in query:
        try:
            send_mail(n.user.email, f"【综治维稳工作平台】{n.title}",
                      f"{n.user.display_name}：\n\n{n.title}\n{n.body}\n\n{absolute(n.url) if n.url else ''}\n")
        except (OSError, smtplib.SMTPException) as exc:
            log.error("email to %s for notification %s failed: %s", n.user.email, n.id, exc)
            continue
        Notification.update(emailed_at=clock.now()).where(Notification.id == n.id).execute()
        sent += 1
    return sent


def init_app(app):
    app.config.setdefault("MAIL_SERVER", None)
    app.config.setdefault("MAIL_PORT", 25)
    app.config.setdefault("MAIL_USE_TLS", False)
    app.config.setdefault("MAIL_USERNAME", None)
    app.config.setdefault("MAIL_PASSWORD", None)
    app.config.setdefault("MAIL_FROM", "portal@localhost")
    app.config.setdefault("MAIL_TIMEOUT", 10)

    @app.after_request
    def _mail(response):
        # After the view's transaction has committed: the notifications exist for good.
        ids = g.pop("notifications_to_mail", None)
        if ids and response.status_code < 400:
            mail_notifications(ids)
        return response

    @app.context_processor
    def _unread():
        return {"unread_count": unread_count}
