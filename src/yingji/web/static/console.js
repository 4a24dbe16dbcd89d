// 控制台的交互：登录退出、表单与按钮提交到同源 JSON API（会话 Cookie）、倒计时、SSE 实时更新、测点趋势图。
(function () {
  "use strict";

  async function request(method, url, body) {
    const response = await fetch(url, {
      method: method,
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let data = {};
    try { data = text ? JSON.parse(text) : {}; } catch (err) { data = {}; }
    if (!response.ok) {
      const error = data.error || {};
      const field = error.field ? "（字段 " + error.field + "）" : "";
      const failure = new Error((error.message || ("请求失败：" + response.status)) + field);
      failure.status = response.status;
      throw failure;
    }
    return data;
  }

  function post(url, body) { return request("POST", url, body || {}); }

  function toast(message, isError) {
    let box = document.getElementById("toast");
    if (!box) {
      box = document.createElement("div");
      box.id = "toast";
      box.setAttribute("role", "status");
      box.setAttribute("aria-atomic", "true");
      document.body.appendChild(box);
    }
    box.setAttribute("aria-live", isError ? "assertive" : "polite");  // a refusal or an urgent alarm interrupts
    box.textContent = (isError ? "⚠ " : "") + message;
    box.className = isError ? "error" : "";
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { box.hidden = true; }, 8000);
  }

  // 表单字段 → JSON：数字、复选、多选、北京时间；“fields.名称” 写入嵌套对象；空值不提交（由服务端判定是否必填）。
  function serialise(form) {
    const body = {};
    for (const el of form.elements) {
      if (!el.name || el.matches(":disabled")) { continue; }
      let value;
      if (el.type === "checkbox") {
        value = el.checked;
      } else if (el.multiple) {
        value = Array.from(el.selectedOptions).map((option) => option.value);
      } else if (el.value === "") {
        continue;
      } else if (el.type === "number" || el.dataset.type === "number") {
        value = Number(el.value);
      } else if (el.type === "datetime-local") {
        value = el.value + (el.value.length === 16 ? ":00" : "") + "+08:00";
      } else {
        value = el.value;
      }
      if (el.dataset.list !== undefined) {  // several inputs of one name: a list (e.g. the alarms in view)
        body[el.name] = (body[el.name] || []).concat([value]);
        continue;
      }
      // “a.b.c” 写入嵌套对象，数字段（“a.0.b”）写入数组
      const parts = el.name.split(".");
      let node = body;
      parts.slice(0, -1).forEach((key, i) => {
        if (node[key] === undefined) { node[key] = /^\d+$/.test(parts[i + 1]) ? [] : {}; }
        node = node[key];
      });
      node[parts[parts.length - 1]] = value;
    }
    if (form.hasAttribute("data-idempotent")) {
      // 同一张表单重复提交（网络重试、双击）得到同一条记录
      form.dataset.key = form.dataset.key || "web-" + Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
      body.client_key = form.dataset.key;
    }
    return body;
  }

  function fill(template, data) {
    return template.replace(/\{(\w+)\}/g, (_, key) => encodeURIComponent(data[key]));
  }

  // data-show="区域 id"：不离开本页，把返回的字段写入该区域（[data-field] 的文字、a[data-href] 的链接）并显示——
  // 用于只返回一次的内容（如热线登记的查询码）；data-then="/路径/{id}"：转到该页；都没有：重新载入本页。
  function after(target, data) {
    const shown = target.dataset.show ? document.getElementById(target.dataset.show) : null;
    if (shown) {
      shown.querySelectorAll("[data-field]").forEach((node) => { node.textContent = data[node.dataset.field] ?? ""; });
      shown.querySelectorAll("a[data-href]").forEach((node) => { node.href = fill(node.dataset.href, data); });
      shown.hidden = false;
      if (target.reset) { target.reset(); }
      return true;
    }
    if (target.dataset.then) {
      window.location.assign(fill(target.dataset.then, data));
    } else {
      window.location.reload();
    }
    return false;
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-api]");
    if (!form) { return; }
    event.preventDefault();
    const error = form.querySelector(".error");
    const button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    try {
      const body = serialise(form);
      // data-api="/api/…/{pond_id}/…": the chosen record's id goes into the address, not the body
      const url = form.dataset.api.replace(/\{(\w+)\}/g, (_, key) => { const v = body[key]; delete body[key]; return encodeURIComponent(v); });
      const data = await request(form.dataset.method || "POST", url, body);
      if (after(form, data) && button) { button.disabled = false; }  // still on the page: ready for the next one
    } catch (err) {
      if (error) { error.textContent = err.message; } else { toast(err.message, true); }
      if (err.status === 409) { delete form.dataset.key; }  // the key was used for other content: a new one next time
      if (button) { button.disabled = false; }
    }
  });

  // form[data-upload]：把所选文件原样作为请求体上传（如 CAP 预警 XML），结果逐条显示；然后按 data-then 跳转或刷新。
  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-upload]");
    if (!form || form.classList.contains("upload")) { return; }  // photos and documents: upload.js
    event.preventDefault();
    const error = form.querySelector(".error");
    const file = form.querySelector("input[type=file]").files[0];
    if (!file) { return; }
    try {
      const response = await fetch(form.dataset.upload, {
        method: "POST", credentials: "same-origin", body: file,
        headers: { "Content-Type": file.type || "application/octet-stream" },
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) { throw new Error((data.error && data.error.message) || ("上传失败：" + response.status)); }
      const skipped = (data.skipped || []).map((s) => "第 " + s.position + " 条：" + s.problem).join("；");
      toast("已导入 " + (data.accepted || []).length + " 条" + (data.duplicates ? "，重复 " + data.duplicates + " 条" : "") + (skipped ? "；未导入：" + skipped : ""), Boolean(skipped));
      after(form, data);
    } catch (err) {
      if (error) { error.textContent = err.message; } else { toast(err.message, true); }
    }
  });

  // 勾选框开合一组字段（未开启的一组不提交）
  document.addEventListener("change", (event) => {
    const toggle = event.target.closest("input[data-toggle]");
    if (!toggle) { return; }
    const set = document.getElementById(toggle.dataset.toggle);
    if (set) { set.disabled = !toggle.checked; set.hidden = !toggle.checked; }
  });

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-api]");
    if (!button) { return; }
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) { return; }
    const body = button.dataset.body ? JSON.parse(button.dataset.body) : {};
    if (button.dataset.with) {
      const input = button.parentElement.querySelector('[name="' + button.dataset.with + '"]');
      if (input) { body[button.dataset.with] = input.dataset.type === "number" ? Number(input.value) : input.value; }
    }
    button.disabled = true;
    try {
      after(button, await request(button.dataset.method || "POST", button.dataset.api, body));
    } catch (err) {
      toast(err.message, true);
      button.disabled = false;
    }
  });

  document.addEventListener("change", async (event) => {
    const select = event.target.closest("select[data-api]");
    if (!select) { return; }
    try {
      await request(select.dataset.method || "POST", select.dataset.api, { [select.name]: select.value });
      Array.from(select.options).forEach((option) => { option.defaultSelected = option.selected; });  // saved
      toast("已保存");
    } catch (err) {
      toast(err.message, true);
    }
  });

  // 按所选预案显示其必备内容（或其响应级别）；其余预案的字段不提交
  function applySwitches(root) {
    root.querySelectorAll("select[data-switch]").forEach((select) => {
      const name = "data-" + select.dataset.switch;
      document.querySelectorAll("fieldset[" + name + "]").forEach((set) => {
        const on = set.getAttribute(name) === select.value;
        set.hidden = !on;
        set.disabled = !on;
      });
    });
  }
  document.addEventListener("change", (event) => {
    if (event.target.matches("select[data-switch]")) { applySwitches(document); }
  });
  applySwitches(document);

  // 表单输入联想：选中 datalist 的一项时，按其 data-fill 填写同一表单的其他字段（如矿山 → 单位、事发地、行业）。
  // 自动填写引起的 change 不再触发联想（矿山 → 单位 时不让单位的登记地址盖过矿山的位置）。
  document.addEventListener("change", (event) => {
    const input = event.target;
    if (event.detail && event.detail.autofill) { return; }
    if (!input.matches("input[list]") || !input.form) { return; }
    const option = Array.from(input.list ? input.list.options : []).find((o) => o.value === input.value);
    if (!option || !option.dataset.fill) { return; }
    const filled = [];
    Object.entries(JSON.parse(option.dataset.fill)).forEach(([name, value]) => {
      const field = input.form.elements.namedItem(name);
      if (field && value !== "" && value !== null && !(field.value && field.dataset.touched)) {
        field.value = value;
        filled.push(field);
      }
    });
    filled.forEach((field) => field.dispatchEvent(new CustomEvent("change", { bubbles: true, detail: { autofill: true } })));
  });
  document.addEventListener("input", (event) => { if (event.target.name) { event.target.dataset.touched = "1"; } });

  // data-compose="a|b,c"：由其他字段拟定本字段（如 事件名称 = 矿山或单位 + 事故类别 + “事故”），用户改过则不再覆盖。
  document.addEventListener("change", (event) => {
    const form = event.target.form;
    if (!form) { return; }
    form.querySelectorAll("[data-compose]").forEach((target) => {
      if (target === event.target || (target.value && !target.dataset.composed)) { return; }
      const parts = target.dataset.compose.split(",").map((alternatives) => {
        const found = alternatives.split("|").map((name) => form.elements.namedItem(name)).find((f) => f && f.value);
        return found ? found.value : "";
      });
      if (parts.some((part) => !part)) { return; }
      target.value = parts.join("") + (target.dataset.composeSuffix || "");
      target.dataset.composed = "1";
    });
  });

  // data-requirements：按所选事发地和行业取适用预案要求初报包含的内容，提交前标注到对应字段。
  async function markRequirements(form) {
    const params = new URLSearchParams();
    form.dataset.requirementsFrom.split(",").forEach((name) => { params.set(name, form.elements.namedItem(name).value); });
    const note = form.querySelector("#demanded");
    try {
      const data = await request("GET", form.dataset.requirements + "?" + params.toString());
      form.querySelectorAll("label.demanded").forEach((label) => { label.classList.remove("demanded"); label.removeAttribute("title"); });
      data.fields.forEach((item) => {
        item.inputs.forEach((name) => {
          const field = form.elements.namedItem(name);
          const label = field && field.closest("label");
          if (!label) { return; }
          label.classList.add("demanded");
          label.title = "预案要求：" + item.demanded_by.join("；");
          const folded = label.closest("details");
          if (folded) { folded.open = true; }
        });
      });
      if (note) {
        note.textContent = data.plans.length
          ? "适用预案：" + data.plans.join("、") + "。标 ★ 的内容为这些预案要求初报包含的内容（悬停可见原文）。"
          : "此处没有适用的事故预案。";
      }
    } catch (err) {
      if (note) { note.textContent = ""; }
    }
  }
  document.querySelectorAll("form[data-requirements]").forEach((form) => {
    markRequirements(form);
    form.addEventListener("change", (event) => {
      if (form.dataset.requirementsFrom.split(",").includes(event.target.name)) { markRequirements(form); }
    });
  });

  const form = document.getElementById("login-form");
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const fields = new FormData(form);
      try {
        await post("/api/auth/login", { username: fields.get("username"), password: fields.get("password") });
        const next = new URL(form.dataset.next || "/", window.location.origin);
        window.location.assign(next.origin === window.location.origin ? next.pathname + next.search : "/");
      } catch (err) {
        document.getElementById("login-error").textContent = err.message;
      }
    });
  }

  // 手机上的导航收在“菜单”按钮后；Esc 关闭展开的菜单（导航、账号菜单）
  const header = document.querySelector("header.top");
  const navToggle = document.getElementById("nav-toggle");
  if (header && navToggle) {
    navToggle.addEventListener("click", () => {
      const open = header.classList.toggle("nav-open");
      navToggle.setAttribute("aria-expanded", String(open));
      navToggle.textContent = open ? "✕ 关闭" : "☰ 菜单";
    });
    document.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") { return; }
      const account = header.querySelector("details.account[open]");
      if (account) { account.open = false; account.querySelector("summary").focus(); }
      if (header.classList.contains("nav-open")) { navToggle.click(); navToggle.focus(); }
    });
  }

  const logout = document.getElementById("logout");
  if (logout) {
    logout.addEventListener("click", async () => {
      try { await post("/api/auth/logout"); } finally { window.location.assign("/login"); }
    });
  }

  // 报告时限倒计时（每秒）
  function tick() {
    const now = Date.now();
    document.querySelectorAll(".countdown[data-due]").forEach((node) => {
      const left = Math.round((Date.parse(node.dataset.due) - now) / 1000);
      const abs = Math.abs(left);
      const text = (abs >= 3600 ? Math.floor(abs / 3600) + " 小时 " : "") + Math.floor((abs % 3600) / 60) + " 分 " + (abs % 60) + " 秒";
      node.textContent = left >= 0 ? "剩余 " + text : "已超时 " + text;
      node.classList.toggle("late", left < 0);
    });
  }
  tick();
  setInterval(tick, 1000);

  // 局部刷新：重新取本页，替换标注了 data-refresh 的区域；有人正在其中填写（焦点或已改动的输入）时推迟到下一次。
  function editing(node) {
    if (node.contains(document.activeElement) && document.activeElement.matches("input, textarea, select")) { return true; }
    return Array.from(node.querySelectorAll("input, textarea, select")).some((el) => {
      if (el.tagName === "SELECT") { return Array.from(el.options).some((o) => o.selected !== o.defaultSelected); }
      if (el.type === "checkbox") { return el.checked !== el.defaultChecked; }
      return el.type !== "hidden" && el.value !== el.defaultValue;
    });
  }

  async function refresh(nodes) {
    const html = await (await fetch(window.location.href, { credentials: "same-origin" })).text();
    const fresh = new DOMParser().parseFromString(html, "text/html");
    nodes.forEach((node) => {
      const replacement = fresh.getElementById(node.id);
      if (!replacement) { return; }
      const open = Array.from(node.querySelectorAll("details")).map((d) => d.open);  // keep what was unfolded
      const incoming = document.importNode(replacement, true);
      incoming.querySelectorAll("details").forEach((d, i) => { if (i < open.length) { d.open = open[i]; } });
      node.replaceWith(incoming);
    });
    applySwitches(document);
    tick();
  }

  // 紧急报警（断电级、尾矿库红色）自行提示：未确认期间标题闪烁；新的一条响提示音（用户开启时）并弹出浏览器通知（已允许时）。
  const SOUND_KEY = "yingji-alarm-sound";
  const announced = new Set(JSON.parse(sessionStorage.getItem("yingji-announced") || "[]"));
  const plainTitle = document.title;
  let flashing = null;
  let audio = null;

  function beep() {
    if (localStorage.getItem(SOUND_KEY) !== "on") { return; }
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    [0, 0.45, 0.9].forEach((start) => {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.2;
      tone.connect(gain).connect(audio.destination);
      tone.start(audio.currentTime + start);
      tone.stop(audio.currentTime + start + 0.3);
    });
  }

  function announce(critical) {
    const root = document.documentElement;
    root.dataset.critical = critical.map((a) => a.id).join(",");
    clearInterval(flashing);
    document.title = plainTitle;
    if (!critical.length) { return; }
    let on = false;
    flashing = setInterval(() => { on = !on; document.title = on ? "【紧急报警】" + critical[0].text : plainTitle; }, 1000);
    const fresh = critical.filter((a) => !announced.has(a.id));
    if (!fresh.length) { return; }
    fresh.forEach((a) => announced.add(a.id));
    sessionStorage.setItem("yingji-announced", JSON.stringify(Array.from(announced).slice(-200)));
    root.dataset.announced = fresh.map((a) => a.id).join(",");  // for tests: what was announced last
    toast("紧急报警：" + fresh.map((a) => a.text).join("；"), true);
    beep();
    if ("Notification" in window && Notification.permission === "granted") {
      fresh.forEach((a) => { new Notification("紧急报警", { body: a.text, tag: "alarm-" + a.id }); });
    }
  }

  function alertControls() {
    const sound = document.getElementById("alarm-sound");
    if (sound) {
      const show = () => {
        const on = localStorage.getItem(SOUND_KEY) === "on";
        sound.textContent = on ? "提示音：开" : "提示音：关";
        sound.setAttribute("aria-pressed", String(on));
      };
      sound.hidden = false;
      show();
      sound.addEventListener("click", () => {
        localStorage.setItem(SOUND_KEY, localStorage.getItem(SOUND_KEY) === "on" ? "off" : "on");
        show();
        beep();  // the click is the gesture browsers want before they play sound; it also lets the user hear it
      });
    }
    const notify = document.getElementById("alarm-notify");
    if (notify && "Notification" in window && Notification.permission === "default") {
      notify.hidden = false;
      notify.addEventListener("click", async () => {
        await Notification.requestPermission();
        notify.hidden = true;
      });
    }
  }
  alertControls();

  function live() {
    if (!document.querySelector("[data-refresh], [data-key]")) { return; }  // nothing on this page changes live
    const status = document.getElementById("live-status");
    const room = document.querySelector("[data-incident]");
    const source = new EventSource("/console/events" + (room ? "?incident=" + room.dataset.incident : ""));
    const seen = {};  // per region: the values of its keys when it was last drawn
    source.addEventListener("open", () => { if (status) { status.textContent = "已连接"; } });
    source.addEventListener("error", () => { if (status) { status.textContent = "重连中"; } });
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
      const stale = [];
      document.querySelectorAll("[data-refresh][id]").forEach((node) => {
        const now = node.dataset.refresh.split(",").map((key) => String(data[key])).join("|");
        if (!(node.id in seen)) { seen[node.id] = now; return; }
        if (seen[node.id] !== now && !editing(node)) { seen[node.id] = now; stale.push(node); }
      });
      if (stale.length) { refresh(stale); }
      if (data.critical_alarms) { announce(data.critical_alarms); }
      document.documentElement.dataset.liveAt = data.as_of;  // for tests: the page has had a live update
      document.dispatchEvent(new CustomEvent("yingji:summary", { detail: data }));  // pages with their own live parts
    });
  }

  // 测点趋势（ECharts，每分钟平均与最大值）
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-trend]");
    if (!button || !window.echarts) { return; }
    try {
      // six hours are 361 minutes: one page of 500 holds the whole default window
      const data = await request("GET", "/api/monitoring/points/" + button.dataset.trend + "/readings?limit=500");
      const minutes = data.items;
      const chart = window.echarts.getInstanceByDom(document.getElementById("trend")) || window.echarts.init(document.getElementById("trend"));
      const more = data.total > minutes.length ? "，共 " + data.total + " 分钟，显示前 " + minutes.length + " 分钟" : "";
      document.getElementById("trend-title").textContent = "趋势：" + (data.point_name || button.dataset.title) + "（" + (data.unit || "") + "，最近 6 小时" + more + "）";
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { data: ["平均", "最大"] },
        xAxis: { type: "time" },
        yAxis: { type: "value", scale: true, name: data.unit || "" },
        series: [
          { name: "平均", type: "line", showSymbol: false, data: minutes.map((m) => [m.minute, m.mean]) },
          { name: "最大", type: "line", showSymbol: false, data: minutes.map((m) => [m.minute, m.max]) },
        ],
      }, true);
      document.getElementById("trend").dataset.points = String(minutes.length);
    } catch (err) {
      toast(err.message, true);
    }
  });

  window.yingji = { live: live, post: post, request: request, serialise: serialise };
  live();  // here rather than in an inline script, which the Content-Security-Policy refuses
})();
