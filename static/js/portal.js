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

  document.addEventListener("htmx:sendError", function () {
    var area = flashArea();
    if (!area) { return; }
    var box = document.createElement("div");
    box.className = "flash flash-error";
    box.textContent = "网络连接中断，操作未提交，请检查网络后重试。";
    area.replaceChildren(box);
  });
})();
