// Uploads an attachment with a progress bar; without scripts the form posts as usual.
document.querySelectorAll("form[data-upload]").forEach(function (form) {
  var progress = form.querySelector("progress");
  var status = form.querySelector(".upload-status");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        progress.value = Math.round((e.loaded / e.total) * 100);
        status.textContent = progress.value + " %";
      }
    });
    request.addEventListener("load", function () {
      var target = request.getResponseHeader("X-Location");
      if (target) {
        var url = new URL(target, window.location.href);
        if (url.pathname === window.location.pathname && url.search === window.location.search) {
          window.location.hash = url.hash;
          window.location.reload();
        } else {
          window.location.assign(url.href);
        }
      } else {
        document.open();
        document.write(request.responseText);
        document.close();
      }
    });
    request.addEventListener("error", function () {
      status.textContent = form.getAttribute("data-failed") || "!";
    });
    progress.hidden = false;
    form.querySelector("button[type=submit]").disabled = true;
    request.send(new FormData(form));
  });
});
