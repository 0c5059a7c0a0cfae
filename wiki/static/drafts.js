/* Unsaved text in the example form (form[data-draft-key]) is not lost:
   - a copy is kept in this browser (localStorage, per account and example) while typing, and put
     back when the form is opened again, with a notice and a button to discard it;
   - leaving the page with unsaved changes asks first (not when the form is being submitted);
   - after a successful save the server sets the lansgrupp_draft_saved cookie, naming the draft
     to remove, which this script does on the next page. */
(function () {
  "use strict";
  if (window.lansgruppDrafts) {
    return;   /* the page links the script twice */
  }
  window.lansgruppDrafts = true;

  var PREFIX = "lansgrupp-draft:";
  var SAVED_COOKIE = "lansgrupp_draft_saved";
  var MAX_AGE_MS = 30 * 24 * 3600 * 1000;
  var DELAY_MS = 400;

  function localStore() {
    try {
      var store = window.localStorage;
      store.getItem(PREFIX);
      return store;
    } catch (error) {
      return null;
    }
  }

  function removeSavedDrafts(store) {
    document.cookie.split(";").forEach(function (part) {
      var at = part.indexOf("=");
      if (at < 0 || part.slice(0, at).trim() !== SAVED_COOKIE) {
        return;
      }
      var key = decodeURIComponent(part.slice(at + 1).trim().replace(/^"|"$/g, ""));
      if (store && key) {
        store.removeItem(PREFIX + key);
      }
      document.cookie = SAVED_COOKIE + "=; Max-Age=0; Path=/; SameSite=Lax";
    });
  }

  function removeOldDrafts(store) {
    var now = Date.now();
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        var draft = read(store, key);
        if (!draft || now - draft.at > MAX_AGE_MS) {
          store.removeItem(key);
        }
      }
    }
  }

  function read(store, key) {
    try {
      var draft = JSON.parse(store.getItem(key) || "null");
      return draft && Array.isArray(draft.fields) && typeof draft.at === "number" ? draft : null;
    } catch (error) {
      return null;
    }
  }

  function write(store, key, fields) {
    try {
      store.setItem(key, JSON.stringify({ at: Date.now(), fields: fields }));
    } catch (error) {
      /* storage full or refused: the warning before leaving still protects the text */
    }
  }

  /* The form's fields as [name, value] pairs, in order; the CSRF token is not part of a draft. */
  function fieldsOf(form) {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.disabled || element.name === "csrf_token" ||
          element.type === "submit" || element.type === "button") {
        return;
      }
      if ((element.type === "checkbox" || element.type === "radio") && !element.checked) {
        return;
      }
      fields.push([element.name, element.value]);
    });
    return fields;
  }

  function fill(form, fields) {
    var values = {};
    fields.forEach(function (pair) {
      (values[pair[0]] = values[pair[0]] || []).push(pair[1]);
    });
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.name === "csrf_token" || element.type === "submit" || element.type === "button") {
        return;
      }
      var given = values[element.name] || [];
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = given.indexOf(element.value) !== -1;
      } else {
        element.value = given.length ? given[0] : "";
      }
    });
    Array.prototype.forEach.call(form.querySelectorAll("details"), function (details) {
      if (details.querySelector("input:checked")) {
        details.open = true;
      }
    });
  }

  function showNotice(notice, at) {
    var time = notice.querySelector("[data-draft-time]");
    if (time) {
      var when = new Date(at);
      time.setAttribute("datetime", when.toISOString());
      time.textContent = when.toLocaleString(document.documentElement.lang || undefined,
        { dateStyle: "medium", timeStyle: "short" });
    }
    notice.hidden = false;
  }

  function setUp(form, store) {
    var key = PREFIX + form.getAttribute("data-draft-key");
    var original = fieldsOf(form);
    var originalText = JSON.stringify(original);
    /* Rendered from a post that saved nothing (an error, a conflict, a preview, a kept form). */
    var renderedUnsaved = form.hasAttribute("data-unsaved");
    var unsaved = renderedUnsaved;
    var submitting = false;
    var timer = null;
    var notice = document.getElementById("draft-notice");

    function changed() {
      return unsaved || JSON.stringify(fieldsOf(form)) !== originalText;
    }

    function keep() {
      timer = null;
      if (!store) {
        return;
      }
      if (changed()) {
        write(store, key, fieldsOf(form));
      } else {
        store.removeItem(key);
      }
    }

    function keepSoon() {
      if (timer !== null) {
        window.clearTimeout(timer);
      }
      timer = window.setTimeout(keep, DELAY_MS);
    }

    function flush() {
      if (timer !== null) {
        window.clearTimeout(timer);
        keep();
      }
    }

    if (store) {
      var draft = read(store, key);
      if (renderedUnsaved) {
        write(store, key, original);
      } else if (draft && JSON.stringify(draft.fields) !== originalText) {
        fill(form, draft.fields);
        unsaved = true;
        if (notice) {
          showNotice(notice, draft.at);
        }
      } else if (draft) {
        store.removeItem(key);
      }
    }

    if (notice) {
      var discard = notice.querySelector("[data-discard-draft]");
      if (discard) {
        discard.addEventListener("click", function () {
          fill(form, original);
          unsaved = renderedUnsaved;
          if (store) {
            store.removeItem(key);
          }
          notice.hidden = true;
          var first = form.querySelector("input:not([type=hidden]), textarea, select");
          if (first) {
            first.focus();
          }
        });
      }
    }

    form.addEventListener("input", keepSoon);
    form.addEventListener("change", keepSoon);
    form.addEventListener("submit", function () {
      flush();
      submitting = true;
    });
    window.addEventListener("pagehide", flush);
    window.addEventListener("beforeunload", function (event) {
      flush();
      if (!submitting && changed()) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        submitting = false;
      }
    });
  }

  function start() {
    var store = localStore();
    removeSavedDrafts(store);
    if (store) {
      removeOldDrafts(store);
    }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-draft-key]"), function (form) {
      setUp(form, store);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
