// Uploads an attachment with a progress bar; without scripts the form posts as usual.
document.querySelectorAll("form[data-upload]").forEach(function (form) {
  var progress = form.querySelector("progress");
  var status = form.querySelector(".upload-status");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        progress.value = Math.round((e.loaded / e.total) * 100);
        status.textContent = progress.value + " %";
      }
    });
    request.addEventListener("load", function () {
      window.location.assign(request.responseURL || form.action);
    });
    request.addEventListener("error", function () {
      status.textContent = form.getAttribute("data-failed") || "!";
    });
    progress.hidden = false;
    form.querySelector("button[type=submit]").disabled = true;
    request.send(new FormData(form));
  });
});
