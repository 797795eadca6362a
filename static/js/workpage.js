/* The 办理 page works in place and never loses what was typed.

   - The fill-in table (every field with form="scores-form": scores, 不涉及, header fields) is saved
     by itself a moment after the last change, and the status line says whether it is saved.
   - Leaving the page with changes not yet saved asks first (the browser's own warning).
   - Uploads and deletes of evidence (forms marked data-in-place) are sent without a reload, with
     their progress shown; a form marked carries-table also sends the table as typed, and the server
     saves both in one transaction (so a typed score is never lost to an upload or a step).
   - After each of these the server answers with the whole page as it now stands; the parts marked
     data-region are taken from it (files, messages, steps, history, errors), never the inputs.
     An answer that is not this page (the login page after a long pause) is opened as it is.

   Everything is sent one after the other, each with the record's version as last read, so an
   autosave and an upload never refuse each other. */
(function () {
  "use strict";
  var page = document.getElementById("work-page");
  if (!page) { return; }
  var table = document.getElementById("scores-form");
  var status = document.getElementById("save-status");
  var autosaveDelay = parseInt(page.getAttribute("data-autosave-ms") || "1500", 10);
  var queue = Promise.resolve();
  var changes = {};      // form id -> number of changes since the page was read or saved
  var leaving = false;   // a form is being sent the ordinary way: the page is about to be replaced
  var timer = null;

  function fieldsOf(formId) {
    return Array.prototype.slice.call(document.querySelectorAll('[form="' + formId + '"]'));
  }

  function say(text, tone) {
    if (!status) { return; }
    status.textContent = text;
    status.className = "save-status text-" + (tone || "muted");
  }

  function clock() {
    var now = new Date();
    return [now.getHours(), now.getMinutes(), now.getSeconds()].map(function (n) { return (n < 10 ? "0" : "") + n; }).join(":");
  }

  function unsaved() {
    return Object.keys(changes).some(function (id) { return changes[id] > 0; });
  }

  /* The table as typed, added to a form that is about to be sent (and the version it was read at). */
  function copyTable(form) {
    Array.prototype.forEach.call(form.querySelectorAll("input.table-copy"), function (old) { old.parentNode.removeChild(old); });
    function copy(name, value) {
      var field = document.createElement("input");
      field.type = "hidden"; field.name = name; field.value = value; field.className = "table-copy";
      form.appendChild(field);
    }
    fieldsOf("scores-form").forEach(function (field) {
      if (!field.name || ((field.type === "checkbox" || field.type === "radio") && !field.checked)) { return; }
      copy(field.name, field.value);
    });
    if (table && !form.querySelector("input[name=lock_version]")) {
      copy("lock_version", table.querySelector("input[name=lock_version]").value);
    }
  }

  function messagesOf(doc) {
    var box = doc.getElementById("flash-messages");
    return box ? Array.prototype.map.call(box.querySelectorAll(".alert"), function (alert) {
      var copy = alert.cloneNode(true);
      Array.prototype.forEach.call(copy.querySelectorAll("button"), function (b) { b.parentNode.removeChild(b); });
      return {danger: /alert-(danger|warning)/.test(alert.className), text: copy.textContent.trim()};
    }) : [];
  }

  function holdsPickedFile(region, sent) {
    return Array.prototype.some.call(region.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0 && input.form !== sent;
    });
  }

  /* Take the regions of the page from the server's answer; the inputs stay as typed. */
  function refresh(doc, sent, withMessages, keepSent) {
    var dialogOpen = document.querySelector(".modal.in") !== null;
    Array.prototype.forEach.call(document.querySelectorAll("[data-region]"), function (region) {
      if (!withMessages && region.id === "flash-messages") { return; }
      if (region.id === "step-dialogs" && dialogOpen) { return; }
      if (holdsPickedFile(region, sent) || (keepSent && region.contains(sent))) { return; }
      var fresh = doc.getElementById(region.id);
      if (fresh) { region.parentNode.replaceChild(document.importNode(fresh, true), region); }
    });
    var version = doc.querySelector("#scores-form input[name=lock_version], input[name=lock_version]");
    if (version) {
      Array.prototype.forEach.call(document.querySelectorAll("input[name=lock_version]"), function (input) {
        input.value = version.value;
      });
    }
  }

  /* Send a form; resolves with the answer's document, or opens an answer that is not this page. */
  function send(form, progress) {
    return new Promise(function (resolve, reject) {
      var request = new XMLHttpRequest();
      request.open("POST", form.getAttribute("action"));
      request.responseType = "document";
      request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      if (progress) {
        request.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) { progress(Math.round(event.loaded * 100 / event.total)); }
        });
      }
      request.onload = function () {
        var doc = request.response;
        if (!doc || !doc.getElementById("work-page")) {
          leaving = true;
          window.location.assign(request.responseURL || window.location.href);
          reject(new Error("left"));
          return;
        }
        resolve(doc);
      };
      request.onerror = function () { reject(new Error("网络连接中断，未保存；请检查网络后重试")); };
      request.send(new FormData(form));  // a form's data includes its fields outside it (form="…")
    });
  }

  /* data-busy on the page counts what is queued or on its way (0: everything has been answered). */
  var busy = 0;
  function enqueue(job) {
    page.setAttribute("data-busy", String(++busy));
    var done = function () { page.setAttribute("data-busy", String(--busy)); };
    queue = queue.then(job, job).then(done, done);
    return queue;
  }

  /* -- the table: autosave ---------------------------------------------------------------------- */

  function changed(formId) {
    changes[formId] = (changes[formId] || 0) + 1;
    if (formId !== "scores-form") { return; }
    say("有未保存的修改…", "warning");
    clearTimeout(timer);
    timer = setTimeout(autosave, autosaveDelay);
  }

  function autosave() {
    clearTimeout(timer);
    enqueue(function () {
      var counted = changes["scores-form"] || 0;
      if (!counted) { return null; }
      say("正在保存…", "info");
      return send(table).then(function (doc) {
        refresh(doc, table, false, false);
        var refused = messagesOf(doc).filter(function (m) { return m.danger; });
        if (refused.length) {
          say("未保存：" + refused.map(function (m) { return m.text; }).join("；"), "danger");
          return;
        }
        changes["scores-form"] -= counted;
        say(changes["scores-form"] > 0 ? "有未保存的修改…" : "已自动保存（" + clock() + "）", changes["scores-form"] > 0 ? "warning" : "success");
      }, function (problem) {
        if (problem.message !== "left") { say("未保存：" + problem.message, "danger"); }
      });
    });
  }

  ["scores-form", "review-form"].forEach(function (formId) {
    fieldsOf(formId).forEach(function (field) {
      field.addEventListener("input", function () { changed(formId); });
      field.addEventListener("change", function () { if (field.type === "checkbox" || field.type === "radio" || field.tagName === "SELECT") { changed(formId); } });
    });
  });

  /* Dates are typed as 年-月-日 or picked from the Chinese calendar (static/js/chinese-widgets.js),
     whatever language the browser speaks; a picked date counts as a change like a typed one. */
  if (window.jQuery) {
    jQuery(function ($) {  // the picker is loaded at the end of the page
      if (!$.fn.datepicker) { return; }
      // forceParse off: what was typed stays as typed (the server says what is wrong with it)
      $("input.date-field").datepicker({format: "yyyy-mm-dd", language: "zh-CN", autoclose: true, todayHighlight: true, forceParse: false})
        .on("changeDate", function () { this.dispatchEvent(new Event("input", {bubbles: true})); });
    });
  }

  /* The chosen file's name beside the picker (templates/upload_form.html). */
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "file" || !input.parentNode.classList.contains("file-pick")) { return; }
    var shown = input.parentNode.nextElementSibling;
    if (shown && shown.classList.contains("file-chosen")) {
      shown.textContent = input.files.length ? input.files[0].name : "未选择文件";
      shown.title = shown.textContent;
    }
  });

  /* -- forms sent in place: uploads and deletes --------------------------------------------------- */

  function sendInPlace(form) {
    var button = form.querySelector("button[type=submit], button:not([type])");
    var label = button ? button.textContent : "";
    Array.prototype.forEach.call(form.querySelectorAll(".upload-progress"), function (old) { old.parentNode.removeChild(old); });
    var progress = document.createElement("span");
    progress.className = "upload-progress small text-info";
    progress.setAttribute("role", "status");
    form.appendChild(progress);
    if (button) { button.disabled = true; }
    enqueue(function () {
      var carries = form.classList.contains("carries-table");
      var counted = changes["scores-form"] || 0;
      if (carries) { copyTable(form); }
      progress.textContent = form.querySelector("input[type=file]") ? " 上传中 0%" : " 正在处理…";
      return send(form, function (percent) { progress.textContent = " 上传中 " + percent + "%"; }).then(function (doc) {
        var refused = messagesOf(doc).filter(function (m) { return m.danger; }).map(function (m) { return m.text; });
        refresh(doc, form, true, refused.length > 0);
        if (refused.length) {  // said beside the form too: the messages at the top may be out of view
          progress.textContent = " " + refused.join("；");
          progress.className = "upload-progress small text-danger";
          return;
        }
        if (carries) {
          changes["scores-form"] = Math.max(0, (changes["scores-form"] || 0) - counted);
          if (!changes["scores-form"]) { clearTimeout(timer); say("已保存（" + clock() + "）", "success"); }
        }
        progress.parentNode.removeChild(progress);
      }, function (problem) {
        if (problem.message !== "left") {
          progress.textContent = " " + problem.message;
          progress.className = "upload-progress small text-danger";
        }
      }).then(function () {
        if (button) { button.disabled = false; button.textContent = label; }
      });
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented) { return; }  // a confirmation was declined
    if (form.hasAttribute("data-in-place")) {
      event.preventDefault();
      sendInPlace(form);
      return;
    }
    // sent the ordinary way: the table goes along (a step saves it first), nothing is left behind
    if (form.classList.contains("carries-table")) { copyTable(form); }
    if (form === table || form.classList.contains("carries-table")) { changes["scores-form"] = 0; }
    if (form.id === "review-form") { changes["review-form"] = 0; }
    leaving = true;
    clearTimeout(timer);
  });

  window.addEventListener("beforeunload", function (event) {
    if (leaving || !unsaved()) { return undefined; }
    event.preventDefault();
    event.returnValue = "";
    return "";
  });
  window.addEventListener("pageshow", function () { leaving = false; });

  /* -- the live total and grade: the fill-in table posted to the preview endpoint as it is typed --- */

  var panel = document.getElementById("live-score");
  if (panel && table && panel.getAttribute("data-url")) {
    var serial = 0;
    var liveTimer = null;
    var token = table.querySelector("input[name=csrf_token]").value;
    var show = function (data) {
      document.getElementById("live-total").textContent = data.ok ? data.total_text : "—";
      document.getElementById("live-grade").textContent = data.ok ? data.grade : "—";
      var list = document.getElementById("live-reasons");
      while (list.firstChild) { list.removeChild(list.firstChild); }
      (data.ok ? data.reasons : [data.message]).forEach(function (reason) {
        var li = document.createElement("li");
        li.textContent = reason;
        list.appendChild(li);
      });
      panel.className = "alert alert-" + (!data.ok ? "info" : (data.forced ? "danger" : "success"));
    };
    var recount = function () {
      var mine = ++serial;
      fetch(panel.getAttribute("data-url"), {
        method: "POST", body: new FormData(table), credentials: "same-origin",
        headers: {"X-CSRFToken": token, "Accept": "application/json"}
      }).then(function (answer) { return answer.json(); })
        .then(function (data) { if (mine === serial) { show(data); } })
        .catch(function () { if (mine === serial) { show({ok: false, message: "暂时无法计算总分，请稍后再试"}); } });
    };
    fieldsOf("scores-form").forEach(function (field) {
      var later = function () { clearTimeout(liveTimer); liveTimer = setTimeout(recount, 250); };
      field.addEventListener("input", later);
      field.addEventListener("change", later);
    });
  }
}());
