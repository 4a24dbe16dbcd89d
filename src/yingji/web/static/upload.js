// 照片和附件上传（隐患、执法检查发现的问题、补贴案件的材料）：form[data-upload] 的文件逐个以原始内容 POST 到 data-upload?filename=…；
// 大于 1.5 MB 或不是 JPEG/PNG 的照片（手机相机的 HEIC 等）先在浏览器里缩到长边 2048 像素的 JPEG，上传完重新载入本页。
(function () {
  "use strict";

  const KEEP = ["image/jpeg", "image/png", "application/pdf"];
  const SMALL = 1.5 * 1024 * 1024;
  const EDGE = 2048;

  async function shrink(file) {
    if (!file.type.startsWith("image/") || (KEEP.includes(file.type) && file.size <= SMALL)) { return file; }
    try {
      const bitmap = await createImageBitmap(file);
      const scale = Math.min(1, EDGE / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
      if (!blob) { return file; }
      const name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
      return new File([blob], name, { type: "image/jpeg" });
    } catch (err) {
      return file;  // the browser cannot decode it: the server says whether it takes the original
    }
  }

  async function send(url, file) {
    const name = (file.name || "photo.jpg").replace(/[\\/]/g, "_").slice(-200);
    const response = await fetch(url + "?filename=" + encodeURIComponent(name), {
      method: "POST",
      headers: { "Content-Type": file.type || "application/octet-stream" },
      credentials: "same-origin",
      body: file,
    });
    if (!response.ok) {
      let message = "上传失败：" + response.status;
      try {
        const error = (await response.json()).error || {};
        message = (error.message || message) + "（" + name + "）";
      } catch (err) { /* not JSON: keep the status */ }
      throw new Error(message);
    }
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-upload]");
    if (!form) { return; }
    event.preventDefault();
    const error = form.querySelector(".error");
    const button = form.querySelector("button[type=submit]");
    const files = Array.from(form.querySelectorAll("input[type=file]")).flatMap((input) => Array.from(input.files));
    if (!files.length) {
      if (error) { error.textContent = "请先选择文件或拍照"; }
      return;
    }
    if (button) { button.disabled = true; button.textContent = "上传中…"; }
    try {
      // a select marked data-upload-part ends the address (e.g. the kind of a case document)
      const part = form.querySelector("[data-upload-part]");
      const url = form.dataset.upload + (part ? encodeURIComponent(part.value) : "");
      for (const file of files) { await send(url, await shrink(file)); }
      window.location.reload();
    } catch (err) {
      if (error) { error.textContent = err.message; }
      if (button) { button.disabled = false; button.textContent = "上传"; }
    }
  });
})();
