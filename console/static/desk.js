/* Follows a background job (an import, a verification) while its page is open: every two
   seconds it asks the console how far the job is, moves the progress bar and its words,
   and shows the page anew once the job has ended (with its summary or findings).
   Without script the page works all the same: its "Show the progress now" link reloads it
   by hand. No automatic reload of the whole page while the job runs (a meta refresh would
   take the reader's place on the page away every few seconds: WCAG 2.2.1). */
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status]");
  if (!box) {
    return;
  }
  var bar = box.querySelector("progress");
  var words = box.querySelector("[data-job-words]");
  var url = box.getAttribute("data-job-status");

  function later(seconds) {
    window.setTimeout(ask, seconds * 1000);
  }

  function show(job) {
    if (job.finished) {
      window.location.reload();
      return;
    }
    if (job.total) {
      bar.max = job.total;
      bar.value = job.done;
    }
    if (words.textContent !== job.words) {
      words.textContent = job.words;
    }
    later(2);
  }

  function ask() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(show)
      .catch(function () {
        later(10); // the service restarting, the session ended: ask again, less often
      });
  }

  later(2);
})();
