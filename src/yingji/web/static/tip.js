// 公众举报（无需登录）：提交举报、凭回执编号查询办理结果。只访问 /api/tips/public；文字一律以 textContent 写入。
(function () {
  "use strict";

  async function call(method, url, body) {
    const response = await fetch(url, {
      method: method,
      headers: { "Content-Type": "application/json" },
      credentials: "omit",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = {};
    try { data = await response.json(); } catch (err) { data = {}; }
    if (!response.ok) { throw new Error((data.error || {}).message || ("请求失败：" + response.status)); }
    return data;
  }

  const form = document.getElementById("tip-form");
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = form.querySelector(".error");
      const button = form.querySelector("button[type=submit]");
      const body = {};
      for (const el of form.elements) { if (el.name && el.value.trim()) { body[el.name] = el.value.trim(); } }
      button.disabled = true;
      try {
        const receipt = await call("POST", "/api/tips/public", body);
        document.getElementById("tip-code").textContent = receipt.tracking_code;
        document.getElementById("tip-track").href = "/tip/track#" + receipt.tracking_code;
        form.hidden = true;
        document.getElementById("tip-result").hidden = false;
      } catch (err) {
        error.textContent = err.message;
        button.disabled = false;
      }
    });
  }

  const track = document.getElementById("tip-track-form");
  if (track) {
    const code = track.elements.code;
    if (/^#[0-9a-f]{16}$/.test(window.location.hash)) { code.value = window.location.hash.slice(1); }
    track.addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = track.querySelector(".error");
      error.textContent = "";
      try {
        const status = await call("GET", "/api/tips/public/" + encodeURIComponent(code.value.trim()));
        document.getElementById("tip-state").textContent = status.state_label;
        document.getElementById("tip-received").textContent = new Date(status.received_at).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
        document.getElementById("tip-answer").textContent = status.answer || "正在办理，尚未反馈";
        document.getElementById("tip-status").hidden = false;
      } catch (err) {
        error.textContent = err.message;
      }
    });
  }
})();
