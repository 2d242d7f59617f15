/* Small behaviours the markup cannot express; no inline scripts (the CSP forbids them). */
(function () {
  "use strict";

  function flashArea() {
    return document.getElementById("flash");
  }

  // htmx does not swap error responses; show the server's Chinese message instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var area = flashArea();
    if (!area) { return; }
    var xhr = event.detail.xhr;
    var box = document.createElement("div");
    box.className = "flash flash-error";
    var text = xhr.status === 403 ? "无权执行此操作。" :
               xhr.status === 404 ? "内容不存在或不在您的管辖范围内。" :
               xhr.status === 413 ? "上传的文件超过大小限制（10 MB）。" :
               xhr.status === 400 ? "页面已过期，请刷新页面后重试。" :
               "服务器处理出错（" + xhr.status + "），请稍后重试。";
    box.textContent = text;
    area.replaceChildren(box);
  });

  // A live region the user is editing must not be replaced under their hands by a refresh.
  document.addEventListener("input", function (event) {
    var live = event.target.closest && event.target.closest("[data-live]");
    if (live) { live.setAttribute("data-dirty", "1"); }
  });

  // Requests a live region makes by itself are background refreshes, not user activity.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt.hasAttribute("data-live")) { event.detail.headers["X-Poll"] = "1"; }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var live = event.detail.elt;
    if (!live.hasAttribute("data-live")) { return; }
    var focused = document.activeElement;
    var typing = focused && live.contains(focused) && focused.matches("input, textarea, select");
    if (live.hasAttribute("data-dirty") || typing || live.querySelector("details[open]")) {
      event.preventDefault();
    }
  });

  document.addEventListener("htmx:sendError", function () {
    var area = flashArea();
    if (!area) { return; }
    var box = document.createElement("div");
    box.className = "flash flash-error";
    box.textContent = "网络连接中断，操作未提交，请检查网络后重试。";
    area.replaceChildren(box);
  });

  // Under 600 px the menu collapses behind the 菜单 button.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest(".navtoggle");
    if (!toggle) { return; }
    var open = toggle.closest(".topbar").classList.toggle("nav-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  // Tables become stacked cards on phones: each cell carries its column's heading (CSS shows it).
  function labelCells() {
    document.querySelectorAll("table.table").forEach(function (table) {
      var heads = [];
      table.querySelectorAll(":scope > thead > tr:last-child > th").forEach(function (th) {
        for (var n = 0; n < (th.colSpan || 1); n++) { heads.push(th.textContent.trim()); }
      });
      if (!heads.length) { return; }
      table.querySelectorAll(":scope > tbody > tr, :scope > tfoot > tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          if (!cell.hasAttribute("data-label") && heads[column] && !cell.classList.contains("empty")) {
            cell.setAttribute("data-label", heads[column]);
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", labelCells);
  document.addEventListener("htmx:load", labelCells);

  // "确定…？" before a step that cannot be undone: data-confirm on a submit button, on a form, or on an
  // htmx button outside a form (templates fill it from the workflow: confirm_step(...)). Asked in the
  // capture phase, so a refusal stops both a plain submit and htmx's own listener.
  function confirmed(element) {
    var text = element && element.getAttribute("data-confirm");
    return !text || window.confirm(text);
  }
  document.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var asking = submitter && submitter.hasAttribute("data-confirm") ? submitter : event.target;
    if (!confirmed(asking)) { event.preventDefault(); event.stopImmediatePropagation(); return; }
    // A submit button marked data-native-submit posts the form the ordinary way, to its formaction (e.g. a
    // draft to print in a new tab), not through the form's htmx request.
    if (submitter && submitter.hasAttribute("data-native-submit")) { event.stopImmediatePropagation(); }
  }, true);
  document.addEventListener("click", function (event) {
    var asking = event.target.closest && event.target.closest("[data-confirm]");
    if (!asking || asking.tagName === "FORM" || (asking.type === "submit" && asking.form)) { return; }
    if (!confirmed(asking)) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);

  // A form answered with problems: focus the first field marked wrong (every problem is shown beside its
  // field), on a full page and after an htmx swap alike.
  function focusFirstError() {
    var field = document.querySelector(".has-error input:not([type=hidden]), .has-error select, .has-error textarea");
    if (field) {
      field.focus({ preventScroll: true });
      field.scrollIntoView({ block: "center" });
    }
  }
  document.addEventListener("DOMContentLoaded", focusFirstError);
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 422) { focusFirstError(); }
  });
})();
