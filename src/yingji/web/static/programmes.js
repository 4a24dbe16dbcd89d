// 评审认定、工伤康复、补贴测算、碳计量器具页面的表单：提交到同源 JSON API（会话 Cookie，经 console.js 的 yingji.request）。
// form[data-post]：字段 → JSON（“a.b” 写入嵌套对象，“a.0.b” 写入数组；data-list 的复选框汇成列表；data-event 的日期汇成
// events；data-type="number"/"bool" 转换类型；data-split 按顿号、逗号拆成列表；空值和停用的字段不提交）。
// 成功后：data-render 在本表单的结果区显示测算结果；data-then 转到该页；否则重新载入本页。
// form[data-check] 的“自查”按钮：把申报事实送到申报条件自查接口，逐条显示是否符合。
// 服务端返回的文字一律以 textContent 写入页面。
(function () {
  "use strict";

  function cast(el, raw) {
    const type = el.dataset.type || (el.type === "number" ? "number" : "");
    if (type === "number") { return Number(raw); }
    if (type === "bool") { return raw === "true"; }
    return raw;
  }

  function put(body, name, value) {
    const parts = name.split(".");
    let node = body;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(parts[i + 1]);
      if (last) {
        node[part] = value;
      } else {
        if (node[part] === undefined) { node[part] = nextIsIndex ? [] : {}; }
        node = node[part];
      }
    });
  }

  function serialise(form, submitter) {
    const body = {};
    const events = [];
    let dated = false;
    for (const el of form.elements) {
      if (!el.name || el.disabled || el.closest("fieldset:disabled")) { continue; }
      if (el.dataset.event !== undefined) {
        dated = true;
        if (el.value) { events.push({ kind: el.dataset.event, on: el.value }); }
        continue;
      }
      if (el.type === "checkbox" && el.dataset.list !== undefined) {
        body[el.name] = body[el.name] || [];
        if (el.checked) { body[el.name].push(cast(el, el.value)); }
        continue;
      }
      if (el.type === "submit" || el.type === "button") { continue; }
      let value;
      if (el.type === "checkbox") {
        value = el.checked;
      } else if (el.type === "radio") {
        if (!el.checked) { continue; }
        value = cast(el, el.value);
      } else if (el.value === "") {
        continue;
      } else if (el.dataset.split !== undefined) {
        value = el.value.split(/[,，、;；\s]+/).filter(Boolean);
      } else {
        value = cast(el, el.value);
      }
      put(body, el.name, value);
    }
    if (dated) { body.events = events; }
    if (submitter && submitter.name) { body[submitter.name] = submitter.value; }
    const rowKey = form.dataset.rowKey;
    if (rowKey) {  // table rows left empty are not sent
      Object.keys(body).forEach((key) => {
        if (Array.isArray(body[key])) {
          body[key] = body[key].filter((row) => row && typeof row === "object" && row[rowKey] !== undefined);
        }
      });
    }
    if (form.dataset.shape === "members") {  // 组建专家组：选入的专家、各自的评分账号与组长
      const names = body.username || {};
      body.members = (body.members || []).map((id) => {
        const member = { expert_id: id, leader: body.leader === id };
        if (names[id]) { member.username = names[id]; }
        return member;
      });
      delete body.username;
      delete body.leader;
    }
    return body;
  }

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  function row(cells, header) {
    const tr = document.createElement("tr");
    cells.forEach((cell) => { tr.appendChild(el(header ? "th" : "td", cell)); });
    return tr;
  }

  function table(head, rows) {
    const t = el("table", null, "compact");
    t.appendChild(row(head, true));
    rows.forEach((cells) => { t.appendChild(row(cells)); });
    return t;
  }

  function cited(list) {
    return (list || []).map((b) => (b.seed ? b.seed + " " : "") + (b.quote ? "“" + b.quote + "”" : b.clause || "")).join("；");
  }

  function basisList(list) {
    const box = el("details", null, "basis");
    box.appendChild(el("summary", "依据（" + (list || []).length + " 条）"));
    const ol = el("ol");
    (list || []).forEach((b) => {
      ol.appendChild(el("li", (b.clause || "") + (b.seed ? " " + b.seed : "") + (b.quote ? "：“" + b.quote + "”" : "")));
    });
    box.appendChild(ol);
    return box;
  }

  // 补贴测算结果：公式、输入、分项、合计、支付安排、审批路径、说明和依据
  function answer(target, data) {
    target.replaceChildren();
    target.appendChild(el("h3", data.title || "测算结果"));
    if (data.formula) { target.appendChild(el("p", "公式：" + data.formula, "formula")); }
    const inputs = Object.entries(data.inputs || {});
    if (inputs.length) { target.appendChild(table(["输入", "取值"], inputs)); }
    if (data.components) {
      target.appendChild(table(["分项", "计算", "金额（元）", "依据"],
        data.components.map((c) => [c.label, c.formula, c.amount_yuan, cited(c.basis)])));
    }
    if (data.total_yuan !== undefined) { target.appendChild(el("p", "合计：" + data.total_yuan + " 元", "total")); }
    if (data.conditions) {
      target.appendChild(table(["条件", "计算", "日期", "依据"],
        data.conditions.map((c) => [c.label, c.formula, c.on || "—", cited(c.basis)])));
    }
    if (data.earliest_on) { target.appendChild(el("p", "最早支付日：" + data.earliest_on, "total")); }
    if (data.may_pay !== undefined && data.may_pay !== null) {
      target.appendChild(el("p", data.may_pay ? "拟支付日可以支付" : "拟支付日尚不能支付", data.may_pay ? "" : "late"));
    }
    if (data.schedule && data.schedule.length) {
      target.appendChild(table(["支付阶段", "金额（元）", "依据"], data.schedule.map((s) => [s.label, s.amount_yuan, cited(s.basis)])));
    }
    if (data.route) { target.appendChild(el("p", "审批路径：" + data.route.label + "。" + (data.route.text || ""))); }
    (data.notes || []).forEach((note) => { target.appendChild(el("p", note, "hint")); });
    target.appendChild(basisList(data.basis));
    target.hidden = false;
  }

  // 申报条件自查结果：逐条是否符合
  function checked(target, data) {
    target.replaceChildren();
    target.appendChild(el("p", data.eligible ? "符合申报条件，无不得申报情形" : "不符合申报条件或存在不得申报情形（见下表）",
      data.eligible ? "eligible" : "late"));
    const mark = (holds, exclusion) => {
      if (holds === null || holds === undefined) { return "未申明"; }
      if (exclusion) { return holds ? "✗ 存在" : "✓ 不存在"; }
      return holds ? "✓ 符合" : "✗ 不符合";
    };
    const rows = (data.requirements || []).map((f) => ["申报条件", f.label, mark(f.holds, false), f.detail || "", f.seed + " “" + f.quote + "”"])
      .concat((data.exclusions || []).map((f) => ["不得申报情形", f.label, mark(f.holds, true), f.detail || "", f.seed + " “" + f.quote + "”"]));
    target.appendChild(table(["", "条件", "结果", "说明", "依据"], rows));
    target.hidden = false;
  }

  function fill(template, data) {
    return template.replace(/\{(\w+)\}/g, (_, key) => encodeURIComponent(data[key]));
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-post]");
    if (!form) { return; }
    event.preventDefault();
    const submitter = event.submitter;
    if (submitter && submitter.dataset.confirm && !window.confirm(submitter.dataset.confirm)) { return; }
    const error = form.querySelector(".error");
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => { b.disabled = true; });
    if (error) { error.textContent = ""; }
    try {
      const data = await window.yingji.request("POST", form.dataset.post, serialise(form, submitter));
      if (form.dataset.render !== undefined) {
        answer(form.querySelector("[data-result]"), data);
        buttons.forEach((b) => { b.disabled = false; });
      } else if (form.dataset.then) {
        window.location.assign(fill(form.dataset.then, data));
      } else {
        window.location.reload();
      }
    } catch (err) {
      if (error) { error.textContent = err.message; }
      buttons.forEach((b) => { b.disabled = false; });
    }
  });

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-self-check]");
    if (!button) { return; }
    const form = button.closest("form[data-check]");
    const error = form.querySelector(".error");
    const body = serialise(form);
    try {
      const data = await window.yingji.request("POST", form.dataset.check, { facts: body.facts || {}, events: body.events || [] });
      if (error) { error.textContent = ""; }
      checked(form.querySelector("[data-result]"), data);
    } catch (err) {
      if (error) { error.textContent = err.message; }
    }
  });

  // 勾选框开合一组字段：console.js
})();
