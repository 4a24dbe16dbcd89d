// 事故处置室：续报附现场照片。有照片时由本脚本提交（先提交续报，再按其幂等键逐张上传照片）；
// 大于 1.5 MB 或非 JPEG/PNG/WebP 的照片先在手机上缩到长边 2000 像素的 JPEG，省流量。
(function () {
  "use strict";
  const LIMIT = 1.5 * 1024 * 1024;
  const KEEP = ["image/jpeg", "image/png", "image/webp"];

  async function shrink(file) {
    if (file.size <= LIMIT && KEEP.includes(file.type)) { return { blob: file, name: file.name }; }
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, 2000 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
    return { blob: blob, name: (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg" };
  }

  async function upload(url, key, file) {
    const photo = await shrink(file);
    const query = "?report_key=" + encodeURIComponent(key) + "&filename=" + encodeURIComponent(photo.name || "photo.jpg");
    const response = await fetch(url + query, {
      method: "POST", credentials: "same-origin", headers: { "Content-Type": photo.blob.type }, body: photo.blob,
    });
    if (!response.ok) {
      let message = "照片上传失败：" + response.status;
      try { message = (await response.json()).error.message || message; } catch (err) { /* not JSON */ }
      throw new Error(message);
    }
  }

  // capture phase: runs before the console's generic form handler, which then never sees a form with photos
  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-photos]");
    const input = form && form.querySelector("input[data-photo]");
    if (!input || !input.files.length) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    const error = form.querySelector(".error");
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const body = window.yingji.serialise(form);
      if (!form.dataset.sent) {  // a retry after a failed photo does not send the report again
        await window.yingji.request("POST", form.dataset.api, body);
        form.dataset.sent = "1";
      }
      const files = Array.from(input.files);
      for (let i = Number(form.dataset.uploaded || 0); i < files.length; i += 1) {
        if (error) { error.textContent = "正在上传照片 " + (i + 1) + "/" + files.length + "…"; }
        await upload(form.dataset.photos, body.client_key, files[i]);
        form.dataset.uploaded = String(i + 1);  // a retry goes on from the next photo
      }
      window.location.reload();
    } catch (err) {
      if (error) { error.textContent = err.message; }
      button.disabled = false;
    }
  }, true);
})();
