// 控制台的少量交互：登录、退出、报警确认、总览实时更新（SSE）。所有请求走同源 JSON API，会话 Cookie 认证。
(function () {
  "use strict";

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(body || {}),
    });
    const text = await response.text();
    const data = text ? JSON.parse(text) : {};
    if (!response.ok) {
      throw new Error((data.error && data.error.message) || ("请求失败：" + response.status));
    }
    return data;
  }

  const form = document.getElementById("login-form");
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const fields = new FormData(form);
      try {
        await post("/api/auth/login", { username: fields.get("username"), password: fields.get("password") });
        window.location.assign(form.dataset.next || "/");
      } catch (err) {
        document.getElementById("login-error").textContent = err.message;
      }
    });
  }

  const logout = document.getElementById("logout");
  if (logout) {
    logout.addEventListener("click", async () => {
      try { await post("/api/auth/logout"); } finally { window.location.assign("/login"); }
    });
  }

  document.querySelectorAll("button[data-ack]").forEach((button) => {
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await post("/api/monitoring/alarms/" + button.dataset.ack + "/ack", {});
        button.replaceWith(document.createTextNode("已确认"));
      } catch (err) {
        button.disabled = false;
        alert(err.message);
      }
    });
  });

  function live() {
    const status = document.getElementById("live-status");
    const source = new EventSource("/console/events");
    source.addEventListener("open", () => { status.textContent = "已连接"; });
    source.addEventListener("error", () => { status.textContent = "重连中"; });
    source.addEventListener("logout", () => { source.close(); window.location.assign("/login"); });
    source.addEventListener("summary", (event) => {
      const data = JSON.parse(event.data);
      Object.entries(data).forEach(([key, value]) => {
        document.querySelectorAll('[data-key="' + key + '"]').forEach((node) => {
          node.textContent = value;
          const tile = node.closest(".tile");
          if (tile && key !== "hazards_open") { tile.classList.toggle("alert", Number(value) > 0); }
        });
      });
    });
  }

  window.yingji = { live: live, post: post };
})();
