// The status form: the exit fields and what to close are shown only while an exit status is
// chosen. Without this script they stay visible under their "Only for an exit" heading, and
// the server ignores them for any other status.
(function () {
  document.querySelectorAll("form[data-exit-statuses]").forEach(function (form) {
    var exits = form.dataset.exitStatuses.split(" ");
    var box = form.querySelector("[data-exit-fields]");
    var day = form.querySelector("input[name=exit_date]");
    if (!box) return;
    function update() {
      var chosen = form.querySelector("input[name=status]:checked");
      var exiting = Boolean(chosen) && exits.indexOf(chosen.value) >= 0;
      box.hidden = !exiting;
      if (exiting && day && !day.value) day.value = form.dataset.today;
    }
    form.addEventListener("change", update);
    update();
  });
})();
