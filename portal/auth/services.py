"""Login rules: verification, lockout after repeated failures, session ending."""
import datetime

from flask import current_app, has_request_context, request

from .. import audit, clock
from ..models import AuditLog, User
from ..security import dummy_verify, hash_password, hasher, verify_password

GENERIC_FAILURE = "用户名或密码错误。"


THROTTLED = "此地址登录失败次数过多，请稍后再试。"


def _locked_message(locked_until):
    until = clock.to_local(locked_until).strftime("%H:%M")
    return f"连续登录失败次数过多，账号已锁定，请于 {until} 后再试，或联系系统管理员解锁。"


def _recent_failures(since, **where):
    query = AuditLog.select(AuditLog.at).where(AuditLog.action == "login_failed", AuditLog.at >= since)
    for field, value in where.items():
        query = query.where(getattr(AuditLog, field) == value)
    return query


def _address_throttled(cfg):
    """Too many failed logins from this client address lately: it may not try (or lock) any account."""
    if not has_request_context() or not request.remote_addr:
        return False
    since = clock.now() - datetime.timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
    return _recent_failures(since, ip=request.remote_addr[:45]).count() >= cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]


def _unknown_name_locked_until(username, cfg):
    """An unknown name is 'locked' exactly like an account, so that the answers never tell which
    usernames exist: after LOGIN_MAX_FAILURES failures within the lock time, until the last of them
    plus the lock time."""
    since = clock.now() - datetime.timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
    recent = list(_recent_failures(since, summary=f"未知用户名：{username}"[:255])
                  .order_by(AuditLog.at.desc()).limit(cfg["LOGIN_MAX_FAILURES"]))
    if len(recent) < cfg["LOGIN_MAX_FAILURES"]:
        return None
    return recent[0].at + datetime.timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])


def authenticate(username, password):
    """Check a login attempt; returns (user, None) or (None, Chinese message). Audited either way."""
    cfg = current_app.config
    if _address_throttled(cfg):
        dummy_verify(password)
        with audit.atomic():
            audit.record("login_throttled", "session", summary=f"地址登录失败过多，拒绝尝试：{username}"[:255],
                         actor_name=username[:64])
        return None, THROTTLED
    user = User.get_or_none(User.username == username)
    if user is None:
        dummy_verify(password)
        locked_until = _unknown_name_locked_until(username, cfg)
        with audit.atomic():
            audit.record("login_failed", "session", actor_name=username[:64],
                         summary=(f"未知用户名（锁定期间）：{username}" if locked_until else f"未知用户名：{username}")[:255])
        if locked_until is None:
            locked_until = _unknown_name_locked_until(username, cfg)  # this failure may be the one that locks
        return None, _locked_message(locked_until) if locked_until else GENERIC_FAILURE
    if user.is_locked():
        with audit.atomic():
            audit.record("login_failed", "session", user.id, summary="账号锁定期间尝试登录", unit=user.unit_id, actor=user)
        return None, _locked_message(user.locked_until)
    if not verify_password(user.password_hash, password):
        with audit.atomic():
            # Counted in the database with one UPDATE so concurrent workers agree.
            User.update(failed_logins=User.failed_logins + 1).where(User.id == user.id).execute()
            user = User.get_by_id(user.id)
            audit.record("login_failed", "session", user.id, summary=f"密码错误（连续第 {user.failed_logins} 次）", unit=user.unit_id, actor=user)
            if user.failed_logins >= cfg["LOGIN_MAX_FAILURES"]:
                user.locked_until = clock.now() + datetime.timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
                user.failed_logins = 0
                user.save(only=[User.locked_until, User.failed_logins])
                audit.record("login_locked", "user", user.id, summary=f"连续 {cfg['LOGIN_MAX_FAILURES']} 次登录失败，锁定 {cfg['LOGIN_LOCK_MINUTES']} 分钟", unit=user.unit_id, actor=user)
                return None, _locked_message(user.locked_until)
        return None, GENERIC_FAILURE
    if not user.active:
        with audit.atomic():
            audit.record("login_failed", "session", user.id, summary="已停用的账号尝试登录", unit=user.unit_id, actor=user)
        return None, "该账号已停用，请联系系统管理员。"
    # A rehash (new Argon2 settings) is computed before the write transaction, which on SQLite holds
    # the database's write lock: other workers' writes must not wait for a password hash.
    rehashed = hash_password(password) if hasher().check_needs_rehash(user.password_hash) else None
    with audit.atomic():
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = clock.now()
        fields = [User.failed_logins, User.locked_until, User.last_login_at]
        if rehashed:
            user.password_hash = rehashed
            fields.append(User.password_hash)
        user.save(only=fields)
        audit.record("login", "session", user.id, summary="登录成功", unit=user.unit_id, actor=user)
    return user, None


def end_sessions(user):
    """Invalidate every session of this user, on every device and worker."""
    User.update(session_version=User.session_version + 1).where(User.id == user.id).execute()
    user.session_version += 1


def logout(user):
    with audit.atomic():
        end_sessions(user)
        audit.record("logout", "session", user.id, summary="退出登录", unit=user.unit_id, actor=user)


def change_own_password(user, current_password, new_password):
    """Returns a Chinese error message, or None on success (which ends other sessions)."""
    if not verify_password(user.password_hash, current_password):
        return "当前密码不正确。"
    with audit.atomic():
        user.password_hash = hash_password(new_password)
        user.save(only=[User.password_hash])
        end_sessions(user)
        audit.record("password_change", "user", user.id, summary="修改本人密码", unit=user.unit_id)
    return None
