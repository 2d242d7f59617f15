"""Owns the friendly error pages (403/404/500, CSRF, oversize uploads) for pages and htmx alike."""
from flask import render_template, request
from flask_wtf.csrf import CSRFError

from .workflow import RuleError

MESSAGES = {
    400: ("请求无效", "请求内容不完整或格式不正确，请返回重试。"),
    403: ("无权访问", "您的账号没有执行此操作的权限。如需开通，请联系系统管理员。"),
    404: ("页面不存在", "您要找的内容不存在，或不在您单位的管辖范围内。"),
    405: ("操作方式不正确", "此地址不支持这种操作方式。"),
    422: ("操作未执行", "请求未能执行，请核对后重试。"),
    413: ("文件过大", "上传的文件超过大小限制（10 MB），请压缩或拆分后再上传。"),
    500: ("系统出错", "服务器处理请求时出错，已记录。请稍后重试，或联系系统管理员。"),
}


def render_error(status, title=None, message=None):
    default_title, default_message = MESSAGES.get(status, MESSAGES[500])
    title, message = title or default_title, message or default_message
    if request.headers.get("HX-Request") == "true":
        # htmx does not swap error responses by default; portal.js shows this text in the flash area.
        return render_template("errors/_inline.html", title=title, message=message), status
    return render_template("errors/page.html", status=status, title=title, message=message), status


def init_app(app):
    for status in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(status, lambda e, s=status: render_error(s))

    @app.errorhandler(RuleError)
    def _rule(e):
        """A refused step no view caught: its message, as a 422 (the view's page stays as it was)."""
        if request.headers.get("HX-Request") == "true":
            return render_template("errors/_inline.html", title="操作未执行", message=str(e)), 422
        return render_error(422, "操作未执行", str(e))

    @app.errorhandler(CSRFError)
    def _csrf(e):
        return render_error(400, "页面已过期", "页面安全令牌已失效（可能停留过久或在别处退出了登录），请刷新页面后重试。")
