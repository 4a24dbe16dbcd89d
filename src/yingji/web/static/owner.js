// 业主诉求（无需登录）：选择街道、社区、小区并提交诉求；凭诉求编号和查询码查看办理进度、确认办结或要求重新办理。
// 只访问 /api/property/public；服务端返回的文字一律以 textContent 写入页面。
(function () {
  "use strict";

  const API = "/api/property/public";

  async function call(method, url, body) {
    const response = await fetch(url, {
      method: method,
      headers: { "Content-Type": "application/json" },
      credentials: "omit",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = {};
    try { data = await response.json(); } catch (err) { data = {}; }
    if (!response.ok) {
      const error = data.error || {};
      throw new Error(error.message || ("请求失败：" + response.status));
    }
    return data;
  }

  // Every item of a paged list (the API answers {items, total, limit, offset}).
  async function all(url) {
    const items = [];
    const sep = url.includes("?") ? "&" : "?";
    for (;;) {
      const page = await call("GET", url + sep + "limit=500&offset=" + items.length);
      items.push(...page.items);
      if (!page.items.length || items.length >= page.total) { return items; }
    }
  }

  function options(select, items, blank) {
    select.replaceChildren();
    if (blank !== undefined) { select.add(new Option(blank, "")); }
    items.forEach(([value, text]) => select.add(new Option(text, value)));
  }

  function when(iso) {
    return new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
  }

  // --- 提交诉求 ---------------------------------------------------------------------------------------------
  const form = document.getElementById("owner-form");
  if (form) {
    const street = form.elements.street;
    const community = form.elements.community;
    const compound = form.elements.compound_id;
    const error = form.querySelector(".error");
    let places = [];
    let asked = 0;  // only the latest choice's answer fills the list (an earlier, slower one is dropped)

    async function loadCompounds() {
      const division = community.value || street.value;
      const mine = ++asked;
      options(compound, [], division ? "正在载入…" : "请先选择街道");
      if (!division) { return; }
      const found = await all(API + "/compounds?division=" + encodeURIComponent(division));
      if (mine !== asked) { return; }
      const blank = found.length ? "请选择小区" : "该范围内没有登记的小区";
      options(compound, found.map((c) => [String(c.id), c.name]), blank);
    }

    street.addEventListener("change", () => {
      const below = places.filter((p) => p.parent === street.value);
      options(community, below.map((p) => [p.code, p.name]), "（不选社区：列出全街道的小区）");
      loadCompounds().catch((err) => { error.textContent = err.message; });
    });
    community.addEventListener("change", () => {
      loadCompounds().catch((err) => { error.textContent = err.message; });
    });

    Promise.all([all(API + "/places"), all(API + "/categories")]).then(([found, categories]) => {
      places = found;
      const codes = new Set(found.map((p) => p.code));
      const streets = found.filter((p) => p.code.length === 9 || !codes.has(p.parent));
      options(street, streets.map((p) => [p.code, p.name]), "请选择街道（苏木乡镇）");
      options(form.elements.category, categories.map((name) => [name, name]));
      form.dataset.ready = "true";
    }).catch((err) => { error.textContent = err.message; });

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      const body = {
        compound_id: Number(compound.value),
        category: form.elements.category.value,
        content: form.elements.content.value,
        owner_phone: form.elements.owner_phone.value,
      };
      if (form.elements.owner_name.value.trim()) { body.owner_name = form.elements.owner_name.value; }
      button.disabled = true;
      error.textContent = "";
      try {
        const filed = await call("POST", API + "/complaints", body);
        document.getElementById("result-number").textContent = filed.number;
        document.getElementById("result-code").textContent = filed.code;
        document.getElementById("result-handler").textContent = filed.handler + "（" + filed.level_label + "）";
        document.getElementById("result-due").textContent = when(filed.response_due);
        document.getElementById("result-track").href = "/property/complaint/track?number=" + encodeURIComponent(filed.number);
        form.hidden = true;
        document.getElementById("owner-result").hidden = false;
      } catch (err) {
        error.textContent = err.message;
        button.disabled = false;
      }
    });
  }

  // --- 查询、确认或要求重办 ---------------------------------------------------------------------------------
  const track = document.getElementById("track-form");
  if (track) {
    const result = document.getElementById("track-result");
    const actions = document.getElementById("owner-actions");
    const actionError = document.getElementById("action-error");
    const given = new URLSearchParams(window.location.search).get("number");
    if (given) { track.elements.number.value = given; }

    function url(what) {
      return API + "/complaints/" + encodeURIComponent(track.elements.number.value.trim()) + "/" + what;
    }

    function show(data) {
      result.querySelectorAll("[data-field]").forEach((node) => { node.textContent = data[node.dataset.field] || "—"; });
      const list = document.getElementById("track-events");
      list.replaceChildren(...data.events.map((e) => {
        const item = document.createElement("li");
        const time = document.createElement("time");
        time.textContent = when(e.at);
        const label = document.createElement("b");
        label.textContent = e.label;
        item.append(time, label, " · " + e.level + "：" + e.note);
        return item;
      }));
      actions.hidden = data.state !== "resolved";
      actionError.textContent = "";
      result.hidden = false;
    }

    track.addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = track.querySelector(".error");
      error.textContent = "";
      try {
        show(await call("POST", url("view"), { code: track.elements.code.value.trim() }));
      } catch (err) {
        result.hidden = true;
        error.textContent = err.message;
      }
    });

    async function act(action, reason) {
      try {
        show(await call("POST", url("action"), { code: track.elements.code.value.trim(), action: action, reason: reason }));
      } catch (err) {
        actionError.textContent = err.message;
      }
    }

    document.getElementById("confirm").addEventListener("click", () => act("confirm", ""));
    document.getElementById("reopen").addEventListener("click", () => {
      const reason = document.getElementById("reopen-reason").value.trim();
      if (reason.length < 2) { actionError.textContent = "请说明不满意的原因"; return; }
      act("reopen", reason);
    });
  }
})();
