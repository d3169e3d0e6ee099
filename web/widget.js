/* helpbot web widget: one <script src=".../widget.js"> tag adds a help bubble that opens a chat
   panel. No framework. Texts come from the server (/api/v1/ui), so they are translated like the
   rest of the assistant. The conversation (id + token) is kept in localStorage, so reloading the
   page or coming back later resumes it; it is forgotten only when the server says it does not
   exist or the token is wrong, never because the service was down or busy for a while. */
(function () {
  "use strict";
  if (window.__helpbotWidget) return;
  window.__helpbotWidget = true;

  var script = document.currentScript;
  var base = script ? new URL(script.src, location.href).origin : location.origin;
  var api = base + "/api/v1";
  var store = window.localStorage;
  var KEY = "helpbot.conversation";
  var MAX_PHOTO_BYTES = 300 * 1024;
  var state = { id: null, token: null, locale: null, texts: {}, source: null, retry: 0, replaced: false };
  var LONGEST_WAIT_MS = 30000;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k.indexOf("on") === 0) node.addEventListener(k.slice(2), attrs[k]);
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function t(id) { return state.texts[id] || id; }

  var css = el("link", { rel: "stylesheet", href: base + "/widget.css" });
  document.head.appendChild(css);

  var bubble = el("button", { class: "hb-bubble", type: "button", "aria-expanded": "false", "aria-controls": "hb-panel" });
  var title = el("h2", { id: "hb-title" });
  var langButton = el("button", { type: "button", class: "hb-lang" });
  var closeButton = el("button", { type: "button", class: "hb-close" });
  var log = el("div", { class: "hb-log", role: "log", "aria-live": "polite", "aria-labelledby": "hb-title", tabindex: "0" });
  var status = el("div", { class: "hb-status", role: "status", hidden: "" });
  var suggestList = el("ul", { class: "hb-suggest", "aria-label": "" });
  var input = el("input", { type: "text", maxlength: "500", autocomplete: "off", "aria-label": "" });
  var sendButton = el("button", { type: "submit" });
  var form = el("form", { class: "hb-form" }, [input, sendButton]);
  var fileInput = el("input", { type: "file", accept: "image/jpeg,image/png,image/gif", "aria-label": "" });
  var preview = el("img", { alt: "" });
  preview.addEventListener("load", function () { log.scrollTop = log.scrollHeight; });
  var uploadButton = el("button", { type: "button" });
  var uploadRules = el("p", { class: "hb-upload-rules", id: "hb-upload-rules" });
  fileInput.setAttribute("aria-describedby", "hb-upload-rules");
  var upload = el("div", { class: "hb-upload", hidden: "" }, [uploadRules, fileInput, preview, uploadButton]);
  var panel = el("section", { class: "hb-panel", id: "hb-panel", role: "dialog", "aria-labelledby": "hb-title", hidden: "" }, [
    el("div", { class: "hb-head" }, [title, langButton, closeButton]), status, log, suggestList, upload, form
  ]);
  document.body.appendChild(bubble);
  document.body.appendChild(panel);

  function applyTexts() {
    bubble.textContent = t("widget-open");
    title.textContent = t("widget-title");
    langButton.textContent = t("widget-language");
    closeButton.textContent = t("widget-close");
    input.placeholder = t("widget-placeholder");
    input.setAttribute("aria-label", t("widget-placeholder"));
    sendButton.textContent = t("widget-send");
    uploadButton.textContent = t("widget-upload-send");
    uploadRules.textContent = t("widget-upload-rules");
    fileInput.setAttribute("aria-label", t("widget-upload"));
    suggestList.setAttribute("aria-label", t("widget-suggestions"));
    if (status.getAttribute("data-text")) status.textContent = t(status.getAttribute("data-text"));
  }

  // One line above the chat says what the widget is waiting for (translated message id).
  function showStatus(id) {
    status.setAttribute("data-text", id);
    status.textContent = t(id);
    status.hidden = false;
  }
  function hideStatus() { status.removeAttribute("data-text"); status.hidden = true; }

  // Exponential back-off for the n-th retry, or what the server asked for (Retry-After).
  function backOff(attempt, error) {
    if (error && error.retryAfter) return Math.min(error.retryAfter * 1000, LONGEST_WAIT_MS);
    return Math.min(1000 * Math.pow(2, attempt), LONGEST_WAIT_MS);
  }
  function later(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function request(method, path, body, isForm) {
    var headers = {};
    if (state.token) headers.Authorization = "Bearer " + state.token;
    if (body && !isForm) headers["Content-Type"] = "application/json";
    return fetch(api + path, { method: method, headers: headers, body: isForm ? body : body ? JSON.stringify(body) : undefined })
      .then(function (r) {
        if (r.status === 204) return {};
        // A proxy in between may answer an error page instead of our JSON.
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (!r.ok) {
            var e = new Error((data.error && data.error.message) || t("widget-unavailable"));
            e.status = r.status;
            e.retryAfter = parseInt(r.headers.get("Retry-After") || "", 10) || 0;
            throw e;
          }
          return data;
        });
      }, function () {
        // No answer at all: the network or the service is down.
        var e = new Error(t("widget-unavailable"));
        e.status = 0;
        throw e;
      });
  }

  function loadTexts(locale) {
    return request("GET", "/ui" + (locale ? "?locale=" + encodeURIComponent(locale) : ""))
      .then(function (data) { state.texts = data.texts; state.locale = state.locale || data.locale; applyTexts(); });
  }

  function showUser(text) {
    log.appendChild(el("div", { class: "hb-msg hb-user", text: text }));
    log.scrollTop = log.scrollHeight;
  }

  function showNotice(text) {
    log.appendChild(el("div", { class: "hb-msg hb-bot", role: "alert", text: text }));
    log.scrollTop = log.scrollHeight;
  }

  // The hot questions: consecutive "hot_questions" messages (one per category) form one block of
  // tabs, a tab per category and its questions as buttons, so that a phone shows one category at
  // a time. Tabs follow the WAI-ARIA pattern: arrows, Home and End move between them.
  var MENU_PAYLOAD = "menu:hot";
  var hotBlocks = 0;
  function selectTab(block, tab, focus) {
    Array.prototype.forEach.call(block.querySelectorAll("[role=tab]"), function (other) {
      var on = other === tab;
      other.setAttribute("aria-selected", on ? "true" : "false");
      other.tabIndex = on ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !on;
    });
    if (focus) tab.focus();
  }
  function showHot(message) {
    var block = log.lastChild;
    if (!block || !block.classList || !block.classList.contains("hb-hot")) {
      hotBlocks += 1;
      var tablist = el("div", { class: "hb-tabs", role: "tablist", "aria-label": t("widget-hot-categories") });
      block = el("div", { class: "hb-msg hb-bot hb-hot", "data-kind": "hot_questions", "data-block": String(hotBlocks) }, [tablist]);
      tablist.addEventListener("keydown", function (e) {
        var tabs = Array.prototype.slice.call(tablist.querySelectorAll("[role=tab]"));
        var at = tabs.indexOf(document.activeElement);
        if (at < 0) return;
        var next = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: tabs.length - 1 }[e.key];
        if (next === undefined) return;
        e.preventDefault();
        selectTab(block, tabs[(next + tabs.length) % tabs.length], true);
      });
      log.appendChild(block);
    }
    var index = block.querySelectorAll("[role=tab]").length;
    var id = "hb-hot-" + block.getAttribute("data-block") + "-" + index;
    var tab = el("button", { type: "button", role: "tab", id: id + "-tab", "aria-controls": id, "aria-selected": "false", tabindex: "-1", text: message.text });
    var panel = el("div", { class: "hb-buttons hb-hot-panel", role: "tabpanel", id: id, "aria-labelledby": id + "-tab", hidden: "" }, (message.buttons || []).map(function (b) {
      return el("button", { type: "button", text: b.label, onclick: function () { press(b); } });
    }));
    tab.addEventListener("click", function () { selectTab(block, tab, false); });
    block.firstChild.appendChild(tab);
    block.appendChild(panel);
    if (index === 0) selectTab(block, tab, false);
    log.scrollTop = log.scrollHeight;
  }

  function showBot(message) {
    if (message.kind === "hot_questions") { showHot(message); return; }
    // A person's message (a support agent) shows their display name above it.
    var person = message.sender && message.sender.name;
    var node = el("div", { class: person ? "hb-msg hb-bot hb-person" : "hb-msg hb-bot", "data-kind": message.kind }, [
      person ? el("div", { class: "hb-sender", text: person }) : null,
      document.createTextNode(message.text)
    ]);
    if (message.links && message.links.length) {
      node.appendChild(el("div", { class: "hb-links" }, message.links.map(function (l) {
        return el("a", { href: l.url, target: "_blank", rel: "noopener noreferrer", text: l.title });
      })));
    }
    if (message.buttons_caption) node.appendChild(el("div", { class: "hb-caption", text: message.buttons_caption }));
    // The "common questions" button is a way on, not one of the message's choices: apart.
    var choices = (message.buttons || []).filter(function (b) { return b.payload !== MENU_PAYLOAD; });
    var more = (message.buttons || []).filter(function (b) { return b.payload === MENU_PAYLOAD; });
    if (choices.length) {
      node.appendChild(el("div", { class: "hb-buttons", role: "group" }, choices.map(function (b) {
        return el("button", { type: "button", text: b.label, onclick: function () { press(b); } });
      })));
    }
    if (more.length) {
      node.appendChild(el("div", { class: "hb-more" }, more.map(function (b) {
        return el("button", { type: "button", class: "hb-menu-button", text: b.label, onclick: function () { press(b); } });
      })));
    }
    // Every answer from the help content can be rated, in the history too; the rating comes
    // last, under the answer's ways on, as in Telegram.
    if (message.kind === "answer" && message.entry_id && !person) node.appendChild(feedbackControls(message.entry_id));
    upload.hidden = !message.expects_photo;
    // A password is typed hidden and never echoed.
    input.type = message.expects_secret ? "password" : "text";
    input.autocomplete = message.expects_secret ? "current-password" : "off";
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
  }

  var REASONS = ["unclear", "did-not-work", "not-what-i-asked", "other"];
  var MAX_REASON_CHARS = 500;
  var fieldCount = 0;

  // 有用 / 没用 under an answer. 没用 asks why (the reasons as buttons; 其他 opens a short text
  // field that may be skipped); thanks replace the reasons once one is given. The chosen button
  // stays marked (aria-pressed) and the other still works: a change of mind replaces the vote.
  function feedbackControls(entryId) {
    var box = el("div", { class: "hb-feedback" });
    var more = el("div", { class: "hb-feedback-more" });
    var useful = el("button", { type: "button", "aria-pressed": "false", "data-vote": "useful", text: t("widget-useful") });
    var notUseful = el("button", { type: "button", "aria-pressed": "false", "data-vote": "not-useful", text: t("widget-not-useful") });
    var votes = [useful, notUseful];
    function mark(chosen, buttons) {
      buttons.forEach(function (b) { b.setAttribute("aria-pressed", b === chosen ? "true" : "false"); });
    }
    function send(body, then) {
      body.entry_id = entryId;
      request("POST", "/conversations/" + state.id + "/feedback", body).then(then)
        .catch(function (e) { showNotice(e.message); });
    }
    function thanks() {
      more.textContent = "";
      more.appendChild(el("p", { class: "hb-feedback-thanks", role: "status", text: t("widget-thanks-feedback") }));
      // The reason buttons are gone: the student goes on asking.
      input.focus();
    }
    function otherField() {
      var id = "hb-reason-" + (++fieldCount);
      var field = el("input", { type: "text", id: id, maxlength: String(MAX_REASON_CHARS), autocomplete: "off" });
      var reasonForm = el("form", { class: "hb-reason-form" }, [
        el("label", { for: id, text: t("widget-reason-text-label") }),
        field,
        el("button", { type: "submit", class: "hb-reason-send", text: t("widget-reason-send") }),
        el("button", { type: "button", class: "hb-reason-skip", text: t("widget-reason-skip"), onclick: function () {
          send({ useful: false, reason: "other" }, thanks);
        } })
      ]);
      reasonForm.addEventListener("submit", function (e) {
        e.preventDefault();
        send({ useful: false, reason: "other", reason_text: field.value }, thanks);
      });
      var old = more.querySelector(".hb-reason-form");
      if (old) old.parentNode.removeChild(old);
      more.appendChild(reasonForm);
      field.focus();
      log.scrollTop = log.scrollHeight;
    }
    function askWhy() {
      more.textContent = "";
      var buttons = REASONS.map(function (reason) {
        return el("button", { type: "button", "aria-pressed": "false", "data-reason": reason, text: t("feedback-reason-" + reason) });
      });
      buttons.forEach(function (b) {
        b.addEventListener("click", function () {
          var reason = b.getAttribute("data-reason");
          mark(b, buttons);
          if (reason === "other") otherField();
          else send({ useful: false, reason: reason }, thanks);
        });
      });
      more.appendChild(el("p", { class: "hb-why", text: t("feedback-why") }));
      more.appendChild(el("div", { class: "hb-reasons", role: "group", "aria-label": t("feedback-why") }, buttons));
      buttons[0].focus();
      log.scrollTop = log.scrollHeight;
    }
    useful.addEventListener("click", function () {
      send({ useful: true }, function () { mark(useful, votes); thanks(); });
    });
    notUseful.addEventListener("click", function () {
      send({ useful: false }, function () { mark(notUseful, votes); askWhy(); });
    });
    box.appendChild(el("div", { class: "hb-vote", role: "group" }, votes));
    box.appendChild(more);
    return box;
  }

  var typing = el("div", { class: "hb-typing", text: "" });
  function busy(on) {
    typing.textContent = t("widget-typing");
    if (on) log.appendChild(typing); else if (typing.parentNode) typing.parentNode.removeChild(typing);
    sendButton.disabled = on;
  }

  function deliver(promise) {
    busy(true);
    return promise.then(function (data) {
      busy(false);
      (data.messages || []).forEach(function (m) { showBot(m, true); });
    }).catch(function (e) { busy(false); showNotice(e.message); });
  }

  function press(button) {
    showUser(button.label);
    // The pressed button may be gone with the next reply; keyboard users carry on typing.
    input.focus();
    deliver(request("POST", "/conversations/" + state.id + "/messages", { button: button.payload }));
  }

  function connect() {
    if (!window.EventSource || !state.id) return;
    var source = new EventSource(api + "/conversations/" + state.id + "/events?token=" + encodeURIComponent(state.token));
    state.source = source;
    source.addEventListener("open", function () { state.retry = 0; hideStatus(); });
    source.addEventListener("message", function (event) {
      try { showBot(JSON.parse(event.data), true); } catch (e) { /* a malformed event is skipped */ }
    });
    // A newer tab of this conversation took over the live messages: say so, and reconnect only
    // when the student comes back to this tab (which then takes them over in turn).
    source.addEventListener("replaced", function () {
      source.close();
      state.replaced = true;
      showStatus("widget-replaced");
    });
    source.addEventListener("error", function () {
      source.close();
      showStatus("widget-reconnecting");
      state.retry = Math.min(state.retry + 1, 6);
      setTimeout(connect, 500 * Math.pow(2, state.retry));
    });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && state.replaced) {
      // The notice stays until the stream is open again.
      state.replaced = false;
      connect();
    }
  });

  function startConversation() {
    return request("POST", "/conversations", { locale: state.locale }).then(function (data) {
      state.id = data.id; state.token = data.token; state.locale = data.locale;
      store.setItem(KEY, JSON.stringify({ id: data.id, token: data.token }));
      log.textContent = "";
      data.messages.forEach(function (m) { showBot(m, false); });
      connect();
    });
  }

  function resume() {
    var saved = null;
    try { saved = JSON.parse(store.getItem(KEY) || "null"); } catch (e) { saved = null; }
    if (!saved) return startConversation();
    state.id = saved.id; state.token = saved.token;
    return loadHistory(0);
  }

  function loadHistory(attempt) {
    return request("GET", "/conversations/" + state.id + "/messages").then(function (data) {
      hideStatus();
      state.locale = data.locale;
      // The history is shown even if the texts of its language cannot be loaded right now.
      return loadTexts(data.locale).catch(function () {}).then(function () {
        log.textContent = "";
        data.messages.forEach(function (item) {
          if (item.sender === "user") showUser(item.text); else showBot(item.message, false);
        });
        connect();
      });
    }, function (e) {
      // Only the server's word that the conversation is gone (404) or not ours (401, 403)
      // forgets it. An outage, a 429 or a 5xx keeps it: the student's place is not lost.
      if (e.status === 404 || e.status === 401 || e.status === 403) {
        store.removeItem(KEY);
        state.id = null; state.token = null;
        return startConversation();
      }
      showStatus("widget-resume-retrying");
      return later(backOff(attempt, e)).then(function () { return loadHistory(attempt + 1); });
    });
  }

  var started = false;
  function open() {
    panel.hidden = false;
    bubble.setAttribute("aria-expanded", "true");
    if (!started) {
      started = true;
      // A conversation that could not even start is tried again the next time the panel opens.
      resume().then(function () { input.focus(); }, function (e) { started = false; showNotice(e.message); });
    } else input.focus();
  }
  function close() { panel.hidden = true; bubble.setAttribute("aria-expanded", "false"); bubble.focus(); }

  bubble.addEventListener("click", function () { if (panel.hidden) open(); else close(); });
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });
  langButton.addEventListener("click", function () {
    var next = state.locale === "en" ? "zh-CN" : "en";
    request("PUT", "/conversations/" + state.id + "/locale", { locale: next }).then(function () {
      state.locale = next;
      return loadTexts(next);
    }).catch(function (e) { showNotice(e.message); });
  });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    if (!text.trim()) return;
    var secret = input.type === "password";
    clearTimeout(timer);
    input.value = "";
    suggestList.textContent = "";
    showUser(secret ? "••••••" : text);
    deliver(request("POST", "/conversations/" + state.id + "/messages", { text: text }));
  });

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var typed = input.value.trim();
    if (typed.length < 2 || input.type === "password") { suggestList.textContent = ""; return; }
    timer = setTimeout(function () {
      request("GET", "/suggest?q=" + encodeURIComponent(typed) + "&locale=" + encodeURIComponent(state.locale || ""))
        .then(function (data) {
          // The user may have sent the message or typed on meanwhile.
          if (input.value.trim() !== typed) return;
          suggestList.textContent = "";
          data.suggestions.forEach(function (s) {
            suggestList.appendChild(el("li", {}, [el("button", { type: "button", text: s.title, onclick: function () {
              input.value = ""; suggestList.textContent = "";
              press({ label: s.title, payload: "entry:" + s.id });
            } })]));
          });
        }).catch(function () { suggestList.textContent = ""; });
    }, 150);
  });

  fileInput.addEventListener("change", function () {
    var file = fileInput.files && fileInput.files[0];
    if (file) preview.src = URL.createObjectURL(file);
    log.scrollTop = log.scrollHeight;
  });
  uploadButton.addEventListener("click", function () {
    var file = fileInput.files && fileInput.files[0];
    if (!file) { fileInput.click(); return; }
    // The server enforces the same limit; checking here saves a pointless upload on a phone.
    if (file.size > MAX_PHOTO_BYTES) { showNotice(t("widget-photo-too-large")); return; }
    var data = new FormData();
    data.append("photo", file);
    showUser("📷 " + file.name);
    fileInput.value = ""; preview.removeAttribute("src");
    deliver(request("POST", "/conversations/" + state.id + "/photos", data, true));
  });

  // Without its texts the widget has no words: keep trying, as for a conversation.
  function loadFirstTexts(attempt) {
    loadTexts(null).catch(function (e) {
      if (!state.texts["widget-open"]) bubble.textContent = "?";
      later(backOff(attempt, e)).then(function () { loadFirstTexts(attempt + 1); });
    });
  }
  loadFirstTexts(0);
})();
